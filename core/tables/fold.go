package tables

// equalFoldASCII reports whether a and b are equal when the ASCII letters
// A-Z are taken as a-z. libpcap compares names this way; unlike
// strings.EqualFold it folds no other characters (so the Kelvin sign is not
// a "k" and the long s is not an "s").
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}
