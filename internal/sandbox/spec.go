package sandbox

// Spec is one run, as Command sends it to the helper.
type Spec struct {
	Argv []string `json:"argv"` // the program and its arguments; Argv[0] is looked up in PATH of Env
	Env  []string `json:"env"`  // the program's whole environment
	Dir  string   `json:"dir"`  // its working directory
	Bind []Bind   `json:"bind"` // what the run may see besides the system

	UID        int      `json:"uid"`
	GID        int      `json:"gid"`
	Limits     Limits   `json:"limits"`
	Namespaces bool     `json:"namespaces"` // make the mounts; false: uid and limits only
	Network    bool     `json:"network"`    // the host's network was kept
	Hide       []string `json:"hide"`       // paths covered inside the namespace
	TmpSize    int64    `json:"tmp_size"`   // bytes of each private temporary directory
}

// Bind makes Src appear at Dst inside the namespace, read-only unless
// Writable.
type Bind struct {
	Src      string `json:"src"`
	Dst      string `json:"dst"`
	Writable bool   `json:"writable"`
}

// Limits are the resource limits of a run; 0 leaves one as inherited.
type Limits struct {
	CPUSeconds uint64 `json:"cpu"`    // RLIMIT_CPU: SIGXCPU at the limit, SIGKILL a second later
	Memory     uint64 `json:"memory"` // RLIMIT_AS, bytes
	Processes  uint64 `json:"nproc"`  // RLIMIT_NPROC: processes of the account's uid, its runs together
	FileSize   uint64 `json:"fsize"`  // RLIMIT_FSIZE, bytes
	OpenFiles  uint64 `json:"nofile"` // RLIMIT_NOFILE
}
