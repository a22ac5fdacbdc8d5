package store

import "time"

// parseStored is parseTime for the stored layout (timeLayout in UTC,
// "2006-01-02T15:04:05.000000000Z", 30 bytes), read without time.Parse's
// general machinery: the progress reads parse 10,000 start times, which
// took 2 of their ms that way. Anything else, or a date that time.Date
// would have to normalise (31 April), goes to parseTime, so the result and
// the errors are parseTime's.
func parseStored(b []byte) (time.Time, error) {
	if len(b) != len("2006-01-02T15:04:05.000000000Z") || b[4] != '-' || b[7] != '-' || b[10] != 'T' ||
		b[13] != ':' || b[16] != ':' || b[19] != '.' || b[29] != 'Z' {
		return parseTime(string(b))
	}
	num := func(from, to int) (int, bool) {
		n := 0
		for _, c := range b[from:to] {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	year, ok1 := num(0, 4)
	month, ok2 := num(5, 7)
	day, ok3 := num(8, 10)
	hour, ok4 := num(11, 13)
	minute, ok5 := num(14, 16)
	sec, ok6 := num(17, 19)
	nsec, ok7 := num(20, 29)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) || month < 1 || month > 12 || day < 1 ||
		hour > 23 || minute > 59 || sec > 59 {
		return parseTime(string(b))
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if t.Day() != day {
		return parseTime(string(b)) // normalised: not a day of that month
	}
	return t, nil
}
