package permissions

type Grant struct {
	User   string
	Action string
}

type Index map[Grant]struct{}

func NewIndex(grants []Grant) Index {
	index := make(Index, len(grants))
	for _, g := range grants {
		index[g] = struct{}{}
	}
	return index
}

func (ix Index) Allowed(user, action string) bool {
	_, ok := ix[Grant{User: user, Action: action}]
	return ok
}

func (ix Index) AllowedAll(user string, actions []string) bool {
	for _, a := range actions {
		if !ix.Allowed(user, a) {
			return false
		}
	}
	return true
}
