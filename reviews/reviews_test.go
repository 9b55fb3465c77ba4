package reviews

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

func validTask(id string) bool { return id == "pay-council-tax" || id == "register-to-vote" }

func goodInput() Input {
	return Input{Task: "pay-council-tax", Ratings: [NumWays]string{"very-easy", "easy", "", "not-tried"}, Importance: "4",
		Comment: "Found it quickly", EndURL: "https://www.example.gov.uk/council-tax", Kind: KindResident}
}

func TestValidateTable(t *testing.T) {
	tests := []struct {
		name   string
		mod    func(*Input)
		peer   bool
		fields []string // fields with errors; nil means valid
		check  func(t *testing.T, r Review)
	}{
		{name: "valid", check: func(t *testing.T, r Review) {
			if r.Index() != 8 || r.Tried() != 2 || !r.Found() || r.Importance != 4 || r.Kind != KindResident {
				t.Errorf("review %+v: index %d tried %d", r, r.Index(), r.Tried())
			}
		}},
		{name: "task missing", mod: func(in *Input) { in.Task = " " }, fields: []string{FieldTask}},
		{name: "task unknown", mod: func(in *Input) { in.Task = "make-tea" }, fields: []string{FieldTask}},
		{name: "no route tried", mod: func(in *Input) { in.Ratings = [NumWays]string{"not-tried", "", "", ""} }, fields: []string{WayField(WayNav)}},
		{name: "route value bad", mod: func(in *Input) { in.Ratings[WaySiteSearch] = "brilliant" }, fields: []string{WayField(WaySiteSearch)}},
		{name: "route numeric ok", mod: func(in *Input) { in.Ratings = [NumWays]string{"-3", "-3", "-3", "-3"} }, check: func(t *testing.T, r Review) {
			if r.Index() != -12 || r.Found() || r.Score() != 0 {
				t.Errorf("all gave up: index %d score %v", r.Index(), r.Score())
			}
		}},
		{name: "all very easy", mod: func(in *Input) { in.Ratings = [NumWays]string{"5", "5", "5", "5"} }, check: func(t *testing.T, r Review) {
			if r.Index() != 20 || r.Score() != 100 {
				t.Errorf("all very easy: index %d score %v", r.Index(), r.Score())
			}
		}},
		{name: "importance missing", mod: func(in *Input) { in.Importance = "" }, fields: []string{FieldImportance}},
		{name: "importance 0", mod: func(in *Input) { in.Importance = "0" }, fields: []string{FieldImportance}},
		{name: "importance 6", mod: func(in *Input) { in.Importance = "6" }, fields: []string{FieldImportance}},
		{name: "importance text", mod: func(in *Input) { in.Importance = "very" }, fields: []string{FieldImportance}},
		{name: "importance bounds 1", mod: func(in *Input) { in.Importance = "1" }},
		{name: "importance bounds 5", mod: func(in *Input) { in.Importance = "5" }},
		{name: "comment empty ok", mod: func(in *Input) { in.Comment = "" }},
		{name: "comment at limit", mod: func(in *Input) { in.Comment = strings.Repeat("é", MaxComment) }},
		{name: "comment unicode over limit", mod: func(in *Input) { in.Comment = strings.Repeat("🏠", MaxComment+1) }, fields: []string{FieldComment}},
		{name: "comment 100 KB", mod: func(in *Input) { in.Comment = strings.Repeat("a", 100<<10) }, fields: []string{FieldComment}},
		{name: "comment controls stripped", mod: func(in *Input) { in.Comment = " a\x00b\r\nc\x1b " }, check: func(t *testing.T, r Review) {
			if r.Comment != "ab\nc" {
				t.Errorf("comment %q", r.Comment)
			}
		}},
		{name: "comment invalid utf8", mod: func(in *Input) { in.Comment = "caf\xe9" }, check: func(t *testing.T, r Review) {
			if r.Comment != "caf\uFFFD" {
				t.Errorf("comment %q", r.Comment)
			}
		}},
		{name: "comment welsh", mod: func(in *Input) { in.Comment = "Roedd hi'n hawdd dod o hyd i'r dreth gyngor ✓" }},
		{name: "end url javascript", mod: func(in *Input) { in.EndURL = "javascript:alert(1)" }, fields: []string{FieldEndURL}},
		{name: "end url relative", mod: func(in *Input) { in.EndURL = "/council-tax" }, fields: []string{FieldEndURL}},
		{name: "end url too long", mod: func(in *Input) { in.EndURL = "https://x.gov.uk/" + strings.Repeat("a", MaxEndURL) }, fields: []string{FieldEndURL}},
		{name: "end url empty ok", mod: func(in *Input) { in.EndURL = "" }},
		{name: "kind missing", mod: func(in *Input) { in.Kind = "" }, fields: []string{FieldKind}},
		{name: "kind staff without sign in", mod: func(in *Input) { in.Kind = "staff" }, fields: []string{FieldKind}},
		{name: "kind peer without sign in", mod: func(in *Input) { in.Kind = KindPeer }, fields: []string{FieldKind}},
		{name: "kind bogus", mod: func(in *Input) { in.Kind = "robot" }, fields: []string{FieldKind}},
		{name: "kind from peer session", mod: func(in *Input) { in.Kind = "" }, peer: true, check: func(t *testing.T, r Review) {
			if r.Kind != KindPeer {
				t.Errorf("kind %q", r.Kind)
			}
		}},
		{name: "everything wrong", mod: func(in *Input) {
			*in = Input{Ratings: [NumWays]string{"x", "", "", ""}, Importance: "9", EndURL: "ftp://x", Kind: "z"}
		},
			fields: []string{FieldTask, WayField(WayNav), FieldImportance, FieldEndURL, FieldKind}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := goodInput()
			if tc.mod != nil {
				tc.mod(&in)
			}
			r, err := Validate(in, validTask, tc.peer)
			if tc.fields == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if tc.check != nil {
					tc.check(t, r)
				}
				return
			}
			var verr *ValidationError
			if !errors.As(err, &verr) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("want a validation error, got %v", err)
			}
			var got []string
			for _, f := range verr.Fields {
				got = append(got, f.Field)
				if f.Message == "" {
					t.Errorf("field %s has no message", f.Field)
				}
			}
			if strings.Join(got, ",") != strings.Join(tc.fields, ",") {
				t.Fatalf("fields: got %v want %v (%v)", got, tc.fields, err)
			}
		})
	}
}

func TestIndexScoreAndAggregation(t *testing.T) {
	if IndexScore(-3, 1) != 0 || IndexScore(5, 1) != 100 || IndexScore(1, 1) != 50 || IndexScore(2, 2) != 50 {
		t.Fatal("IndexScore scale")
	}
	mk := func(council, task, kind string, demo bool, rs ...Rating) Review {
		var r Review
		r.Council, r.Task, r.Kind, r.Demo, r.Importance = council, task, kind, demo, 3
		copy(r.Ratings[:], rs)
		return r
	}
	rs := []Review{
		mk("A", "t1", KindResident, false, 5, 5, 0, 0), // 100
		mk("A", "t1", KindOther, true, -3, 0, 0, 0),    // 0
		mk("A", "t1", KindPeer, false, 1, 1, 1, 1),     // 50
		mk("A", "t2", KindResident, false, 3, 0, 0, 0), // 75
		mk("B", "t1", KindPeer, false, 5, 0, 0, 0),     // 100
	}
	agg := Aggregator{MinTaskSample: 3, MinCouncilSample: 4, PublicWeight: 1, PeerWeight: 2}
	tasks := agg.Tasks(StatsOf(rs))
	if len(tasks) != 3 {
		t.Fatalf("tasks: %+v", tasks)
	}
	a1 := tasks[0]
	if a1.Council != "A" || a1.Task != "t1" || a1.N != 3 || a1.PublicN != 2 || a1.PeerN != 1 || a1.DemoN != 1 || !a1.Ranked {
		t.Fatalf("A/t1: %+v", a1)
	}
	// public mean 50, peer 50 (weight 2): combined (100+0+2*50)/(2+2) = 50
	if a1.PublicScore != 50 || a1.PeerScore != 50 || a1.Score != 50 {
		t.Errorf("A/t1 scores: %+v", a1)
	}
	if math.Abs(a1.Index-(10+(-3)+4)/3.0) > 1e-9 || math.Abs(a1.FoundRate-2.0/3) > 1e-9 || a1.Importance != 3 {
		t.Errorf("A/t1 index/found: %+v", a1)
	}
	if a1.Ways[WayNav].N != 3 || a1.Ways[WayNav].Mean != 1 || a1.Ways[WayAtoZ].N != 2 || a1.Ways[WayAtoZ].Mean != 3 {
		t.Errorf("A/t1 routes: %+v", a1.Ways)
	}
	if tasks[1].Ranked {
		t.Errorf("one review must not be ranked: %+v", tasks[1])
	}
	cs := agg.Councils(StatsOf(rs))
	a := cs["A"]
	// public: 100, 0, 75 -> 175 over 3; peer: 50 (x2) -> (175+100)/(3+2) = 55
	if a.N != 4 || a.PublicN != 3 || a.PeerN != 1 || !a.Ranked || math.Abs(a.Score-55) > 1e-9 || a.DemoN != 1 {
		t.Errorf("council A: %+v", a)
	}
	if b := cs["B"]; b.Ranked || b.Score != 100 || b.PeerScore != 100 || b.PublicScore != 0 {
		t.Errorf("council B: %+v", b)
	}
}

func TestLimiter(t *testing.T) {
	l := newLimiter(Rate{N: 3, Per: time.Minute})
	now := time.Unix(1000, 0)
	for i := range 3 {
		if ok, _ := l.take("a", now); !ok {
			t.Fatalf("take %d refused", i)
		}
	}
	ok, wait := l.take("a", now)
	if ok || wait <= 0 || wait > 20*time.Second {
		t.Fatalf("4th take: ok=%v wait=%v", ok, wait)
	}
	if ok, _ := l.take("b", now); !ok {
		t.Fatal("other key limited")
	}
	if ok, _ := l.take("a", now.Add(20*time.Second)); !ok {
		t.Fatal("no refill after 20s")
	}
	l.give("a")
	if ok, _ := l.take("a", now.Add(20*time.Second)); !ok {
		t.Fatal("given token not usable")
	}
	off := newLimiter(Rate{N: -1, Per: time.Hour})
	for range 100 {
		if ok, _ := off.take("x", now); !ok {
			t.Fatal("disabled limiter refused")
		}
	}
}

// TestDedupWaitsForFirst: a second identical post that arrives while the
// first is being stored waits for the first's outcome: a duplicate of it
// when it was stored, its own claim when it failed.
func TestDedupWaitsForFirst(t *testing.T) {
	d := newDedup(time.Hour)
	waiting := make(chan string, 4)
	d.waiting = func(key string) { waiting <- key }
	now := time.Unix(1000, 0)
	type result struct {
		e  *dedupEntry
		id string
	}
	second := func(key string) <-chan result {
		ch := make(chan result, 1)
		go func() {
			e, id := d.begin(key, now)
			ch <- result{e, id}
		}()
		return ch
	}
	// The first post is stored: the second, waiting meanwhile, is its duplicate.
	e, _ := d.begin("k", now)
	if e == nil {
		t.Fatal("first begin got a duplicate")
	}
	got := second("k")
	select {
	case k := <-waiting:
		if k != "k" {
			t.Fatalf("waiting on %q", k)
		}
	case r := <-got:
		t.Fatalf("second post returned (%v, %q) while the first was in flight: it did not wait", r.e != nil, r.id)
	}
	select {
	case r := <-got:
		t.Fatalf("second post returned (%v, %q) before the first finished", r.e != nil, r.id)
	default:
	}
	d.finish("k", e, true, "first")
	if r := <-got; r.e != nil || r.id != "first" {
		t.Fatalf("second post after the first was stored: claimed %v, id %q; want the duplicate of first", r.e != nil, r.id)
	}
	// The first post fails: the waiting second one claims the key itself.
	e, _ = d.begin("j", now)
	got = second("j")
	select {
	case <-waiting:
	case r := <-got:
		t.Fatalf("second post returned (%v, %q) while the first was in flight", r.e != nil, r.id)
	}
	d.finish("j", e, false, "")
	r := <-got
	if r.e == nil {
		t.Fatalf("second post after the first failed got duplicate %q; want its own claim", r.id)
	}
	d.finish("j", r.e, true, "second")
	if e5, id := d.begin("j", now); e5 != nil || id != "second" {
		t.Fatal("the second post's review is not the one remembered")
	}
	// Outside the window it is not a duplicate.
	if e4, _ := d.begin("k", now.Add(2*time.Hour)); e4 == nil {
		t.Fatal("duplicate outside the window")
	}
}

func TestParseRate(t *testing.T) {
	if r, err := ParseRate("10/1h"); err != nil || r.N != 10 || r.Per != time.Hour {
		t.Fatalf("%v %v", r, err)
	}
	if r, err := ParseRate("0"); err != nil || r.N >= 0 {
		t.Fatalf("0: %v %v", r, err)
	}
	for _, bad := range []string{"10", "x/1h", "0/1h", "5/-1s", "5/soon"} {
		if _, err := ParseRate(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
