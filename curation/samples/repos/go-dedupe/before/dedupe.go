package dedupe

// Unique returns the emails in first-seen order without repeats.
func Unique(emails []string) []string {
	var out []string
	for _, email := range emails {
		seen := false
		for _, kept := range out {
			if kept == email {
				seen = true
				break
			}
		}
		if !seen {
			out = append(out, email)
		}
	}
	return out
}
