package permissions

type Grant struct {
	User   string
	Action string
}

func Allowed(grants []Grant, user, action string) bool {
	for _, g := range grants {
		if g.User == user && g.Action == action {
			return true
		}
	}
	return false
}

func AllowedAll(grants []Grant, user string, actions []string) bool {
	for _, a := range actions {
		if !Allowed(grants, user, a) {
			return false
		}
	}
	return true
}
