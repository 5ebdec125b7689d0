package slo

// ObjectiveKey names an objective in one string, "journey:objective" (such
// as "checkout:latency"), everywhere the library names one: the checks of
// slostatus's health check and release gate (the health-check draft keys its
// checks "component:measurement", and the journey is the component), the
// names the release gate accepts, [RestoreReport], and errors. Journey and objective
// names cannot hold a colon, so the key splits back at its only one.
func ObjectiveKey(journey, objective string) string { return journey + ":" + objective }
