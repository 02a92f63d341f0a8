package exanic

import "fmt"

var fmtSscanf = func(s, f string, v *int) (int, error) { return fmt.Sscanf(s, f, v) }
