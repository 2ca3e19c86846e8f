// Command go-reference computes, with Go and the libraries Prometheus uses, the expected
// values of the ordering and hashing tests of issue 18 (natsort.test.ts, go_sort.test.ts,
// sorting.test.ts, aggregate.test.ts, hash.test.ts). It is not part of the build.
//
// It needs only Debian's packages, in GOPATH mode:
//
//	apt-get install golang-1.19-go golang-github-facette-natsort-dev golang-github-cespare-xxhash-dev
//	mkdir -p /tmp/gr/src && ln -s "$PWD/scripts/go-reference" /tmp/gr/src/ref
//	GOPATH=/tmp/gr:/usr/share/gocode GO111MODULE=off /usr/lib/go-1.19/bin/go build -o /tmp/gr/ref ref
//	echo '{"pairs":[["a01","a1"]],"labels":[["__name__","up"]]}' | /tmp/gr/ref
//
// Debian's natsort is 2cd4dd1, the commit Prometheus pins. Go 1.19's sort is the pdqsort of
// Go 1.24's slices.SortFunc and sort.Sort but for the xorshift of breakPatterns (13, 17, 5
// there, 13, 7, 17 from Go 1.24), which only lists longer than 12 can reach.
package main

import (
	"container/heap"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"

	"github.com/cespare/xxhash"
	"github.com/facette/natsort"
)

type input struct {
	Pairs  [][2]string `json:"pairs"`  // natsort.Compare(a, b)
	Lists  [][]string  `json:"lists"`  // sort_by_label's comparator on one label, ascending
	Desc   [][]string  `json:"desc"`   // … and descending
	Values [][]string  `json:"values"` // sort and sort_desc of these values (as input order)
	TopK   [][]string  `json:"topk"`   // k, then values: topk and bottomk of one group
	Labels [][]string  `json:"labels"` // flat label sets: their stringlabels Hash()
}

type output struct {
	Compare  []bool     `json:"compare"`
	Sorted   [][]string `json:"sorted"`
	DescOut  [][]string `json:"descOut"`
	Sort     [][]int    `json:"sort"`
	SortDesc [][]int    `json:"sortDesc"`
	Top      [][]int    `json:"top"`
	Bottom   [][]int    `json:"bottom"`
	Hashes   []string   `json:"hashes"`
	Bytes    []string   `json:"bytes"`
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		panic(err)
	}
	var out output
	for _, p := range in.Pairs {
		out.Compare = append(out.Compare, natsort.Compare(p[0], p[1]))
	}
	for _, l := range in.Lists {
		out.Sorted = append(out.Sorted, byLabel(l, 1))
	}
	for _, l := range in.Desc {
		out.DescOut = append(out.DescOut, byLabel(l, -1))
	}
	for _, vs := range in.Values {
		asc := byReverseValue(parse(vs))
		sort.Sort(sort.Reverse(asc)) // funcSort
		out.Sort = append(out.Sort, order(asc))
		desc := byValue(parse(vs))
		sort.Sort(sort.Reverse(desc)) // funcSortDesc
		out.SortDesc = append(out.SortDesc, order(desc))
	}
	for _, vs := range in.TopK {
		k, err := strconv.Atoi(vs[0])
		if err != nil {
			panic(err)
		}
		out.Top = append(out.Top, topk(parse(vs[1:]), k, false))
		out.Bottom = append(out.Bottom, topk(parse(vs[1:]), k, true))
	}
	for _, ls := range in.Labels {
		b := packed(ls)
		out.Hashes = append(out.Hashes, fmt.Sprintf("%016x", xxhash.Sum64(b)))
		out.Bytes = append(out.Bytes, fmt.Sprintf("%x", b))
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}

// byLabel sorts values with funcSortByLabel's comparator (sign -1: funcSortByLabelDesc);
// equal values compare 0 here, where Prometheus goes on to the whole label sets.
func byLabel(l []string, sign int) []string {
	data := append([]string(nil), l...)
	cmp := func(a, b string) int {
		if a == b {
			return 0
		}
		if natsort.Compare(a, b) {
			return -sign
		}
		return sign
	}
	sort.Slice(data, func(i, j int) bool { return cmp(data[i], data[j]) < 0 })
	return data
}

// packed is a label set as labels_stringlabels.go stores it: each string after its size,
// one byte below 255, else 255 and three bytes little-endian (encodeSize).
func packed(ls []string) []byte {
	var b []byte
	for _, s := range ls {
		if n := len(s); n < 255 {
			b = append(b, byte(n))
		} else {
			b = append(b, 255, byte(n), byte(n>>8), byte(n>>16))
		}
		b = append(b, s...)
	}
	return b
}

type sample struct {
	i int
	f float64
}

func parse(vs []string) []sample {
	out := make([]sample, len(vs))
	for i, v := range vs {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			panic(err)
		}
		out[i] = sample{i, f}
	}
	return out
}

func order(s []sample) []int {
	out := make([]int, len(s))
	for k, x := range s {
		out[k] = x.i
	}
	return out
}

// byValue and byReverseValue are Prometheus's vectorByValueHeap and vectorByReverseValueHeap.
type byValue []sample

func (s byValue) Len() int      { return len(s) }
func (s byValue) Swap(i, j int) { s[i], s[j] = s[j], s[i] }
func (s byValue) Less(i, j int) bool {
	if math.IsNaN(s[i].f) {
		return true
	}
	return s[i].f < s[j].f
}
func (s *byValue) Push(x any) { *s = append(*s, x.(sample)) }
func (s *byValue) Pop() any {
	o := *s
	e := o[len(o)-1]
	*s = o[:len(o)-1]
	return e
}

type byReverseValue []sample

func (s byReverseValue) Len() int      { return len(s) }
func (s byReverseValue) Swap(i, j int) { s[i], s[j] = s[j], s[i] }
func (s byReverseValue) Less(i, j int) bool {
	if math.IsNaN(s[i].f) {
		return true
	}
	return s[i].f > s[j].f
}
func (s *byReverseValue) Push(x any) { *s = append(*s, x.(sample)) }
func (s *byReverseValue) Pop() any {
	o := *s
	e := o[len(o)-1]
	*s = o[:len(o)-1]
	return e
}

// topk is one group at one step of aggregationK: a heap of up to k, its top replaced by a
// better sample, then sort.Sort(sort.Reverse(heap)).
func topk(vs []sample, k int, bottom bool) []int {
	var h heap.Interface
	better := func(top, s float64) bool { return top < s }
	if bottom {
		h = &byReverseValue{}
		better = func(top, s float64) bool { return top > s }
	} else {
		h = &byValue{}
	}
	for _, s := range vs {
		at := func() []sample {
			if bottom {
				return *h.(*byReverseValue)
			}
			return *h.(*byValue)
		}
		if h.Len() < k {
			heap.Push(h, s)
		} else if top := at()[0].f; better(top, s.f) || (math.IsNaN(top) && !math.IsNaN(s.f)) {
			at()[0] = s
			if k > 1 {
				heap.Fix(h, 0)
			}
		}
	}
	if h.Len() > 1 {
		sort.Sort(sort.Reverse(h))
	}
	if bottom {
		return order(*h.(*byReverseValue))
	}
	return order(*h.(*byValue))
}
