package names

import "testing"

type colour uint8

var colours = []string{"red", "green"}

func TestNames(t *testing.T) {
	if got := Of(colours, "colour", colour(1)); got != "green" {
		t.Errorf("Of(1) = %q, want green", got)
	}
	if got := Of(colours, "colour", colour(7)); got != "colour(7)" {
		t.Errorf("Of(7) = %q, want colour(7)", got)
	}
	if v, ok := Value[colour](colours, "green"); v != 1 || !ok {
		t.Errorf("Value(green) = %v, %v; want 1, true", v, ok)
	}
	if v, ok := Value[colour](colours, "blue"); v != 0 || ok {
		t.Errorf("Value(blue) = %v, %v; want 0, false", v, ok)
	}
	if !Known(colours, colour(1)) || Known(colours, colour(2)) {
		t.Error("Known: 1 is a colour, 2 is not")
	}
}
