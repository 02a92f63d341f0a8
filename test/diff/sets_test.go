package diff

// optSet is one way of running tcpdump over a capture file.
type optSet struct {
	name  string
	args  []string // "F" stands for the capture file, "OUT" for the output
	stdin bool     // the capture is piped in on stdin
	write bool     // the run writes OUT, whose bytes are compared too
}

// optSets are the option sets every capture is read with.
var optSets = []optSet{
	{name: "e-vv", args: []string{"-#", "-nn", "-e", "-vv", "-r", "F"}},
	{name: "x-tt", args: []string{"-#", "-nn", "-x", "-tt", "-r", "F"}},
	{name: "nano-ttt-q", args: []string{"-#", "-n", "--nano", "-ttt", "-q", "-r", "F"}},
	{name: "c3-AA", args: []string{"-#", "-nn", "-c", "3", "-AA", "-r", "F"}},
	{name: "w", args: []string{"-r", "F", "-w", "OUT"}, write: true},
	{name: "w-nano", args: []string{"--time-stamp-precision=nano", "-r", "F", "-w", "OUT"}, write: true},
	{name: "stdio", args: []string{"-r", "-", "-w", "-"}, stdin: true},
}

// argv builds the command line of s for tcpdump, the capture file and the
// output file.
func (s optSet) argv(tcpdump, file, out string) []string {
	a := []string{tcpdump}
	for _, x := range s.args {
		switch x {
		case "F":
			x = file
		case "OUT":
			x = out
		}
		a = append(a, x)
	}
	return a
}
