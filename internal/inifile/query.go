package inifile

// Sections returns the section headers in file order, duplicates included.
func (d *Doc) Sections() []Section {
	out := make([]Section, len(d.ix.sects))
	for i, s := range d.ix.sects {
		out[i] = Section{Name: s.name, Line: s.line + 1}
	}
	return out
}

// Keys returns the keys of the first section with that name, in file order,
// duplicates included; nil if there is no such section.
func (d *Doc) Keys(section string) []Key {
	s := d.section(section)
	if s == nil {
		return nil
	}
	out := make([]Key, len(s.keys))
	for i := range s.keys {
		k := &s.keys[i]
		out[i] = Key{Name: k.name, Value: k.value(), Line: k.line + 1}
	}
	return out
}

// Get returns the value of the first key with that exact name in the first
// section with that name. Unlike configparser it does not fall back to a
// [DEFAULT] section.
func (d *Doc) Get(section, key string) (string, bool) {
	s := d.section(section)
	if s == nil {
		return "", false
	}
	if k := s.key(key); k != nil {
		return k.value(), true
	}
	return "", false
}

func (d *Doc) section(name string) *sectInfo {
	for i := range d.ix.sects {
		if d.ix.sects[i].name == name {
			return &d.ix.sects[i]
		}
	}
	return nil
}

func (s *sectInfo) key(name string) *keyInfo {
	for i := range s.keys {
		if s.keys[i].name == name {
			return &s.keys[i]
		}
	}
	return nil
}
