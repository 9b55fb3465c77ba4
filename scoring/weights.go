package scoring

// The method's weights as others read them (the dashboard's fix-first list
// ranks checks by the points they cost under the method in force).

// CheckWeight is a check's weight within its category: 1 when the method
// does not list it, 0 when the check carries no weight (an advisory check
// costs no points).
func (m Method) CheckWeight(id string) float64 { return m.checkWeight(id) }

// CategoryWeight is a category's weight in the site score: 1 when the
// method does not list it, as Score counts it.
func (m Method) CategoryWeight(cat string) float64 {
	if w, ok := m.CategoryWeights[cat]; ok {
		return w
	}
	return 1
}
