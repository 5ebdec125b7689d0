package slobacktest

// SetMaxPoints makes range queries ask for at most n instants each, so
// that a test can split a short range into parts, and returns the function
// that restores the limit.
func SetMaxPoints(n int) (restore func()) {
	old := maxPoints
	maxPoints = n
	return func() { maxPoints = old }
}

// SetMaxAnswer makes Samples read at most n bytes of an answer, so that a
// test can pass the cap with a small answer, and returns the function that
// restores the cap.
func SetMaxAnswer(n int64) (restore func()) {
	old := maxAnswer
	maxAnswer = n
	return func() { maxAnswer = old }
}
