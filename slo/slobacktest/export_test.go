package slobacktest

// SetMaxPoints makes range queries ask for at most n instants each, so
// that a test can split a short range into parts, and returns the function
// that restores the limit.
func SetMaxPoints(n int) (restore func()) {
	old := maxPoints
	maxPoints = n
	return func() { maxPoints = old }
}
