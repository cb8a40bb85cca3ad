package intent

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

// Defaults of Config.
const (
	DefaultInterval   = time.Minute
	DefaultBatch      = 100
	DefaultRepairTime = time.Minute
	DefaultDeadAfter  = 20 * time.Second // cluster.DefaultDeadAfter
)

// Config configures a Journal. Zero values take the defaults above.
type Config struct {
	// Owner names this node in the intents it makes: the cluster node's
	// name, whose heartbeat tells other nodes it is alive.
	Owner string
	// Shared is true on PostgreSQL, where other nodes may run changes;
	// on SQLite every other owner is a process that is gone.
	Shared bool
	// DeadAfter is how long after its last heartbeat another node counts
	// as dead (cluster's dead_after).
	DeadAfter time.Duration
	// Interval is how often the background reconciler looks for intents.
	Interval time.Duration
	// Batch bounds the intents one pass repairs.
	Batch int
	// RepairTime bounds one repair.
	RepairTime time.Duration
}

// Repair completes or rolls back the change an intent records and says
// which it did ("rolled back", "completed"). It must be idempotent: a
// crash may interrupt it too, and it then runs again. The Journal deletes
// the intent once Repair returns nil.
type Repair func(ctx context.Context, in *hosting.Intent) (outcome string, err error)

// Journal makes intents and repairs the ones left over. Methods on a nil
// *Journal do nothing, so that services built without one (tests, tools)
// keep working without crash safety.
type Journal struct {
	cfg     Config
	store   hosting.IntentStore
	log     *slog.Logger
	now     func() time.Time
	mu      sync.Mutex
	active  map[string]bool // intents a running change (or repair) holds
	repairs map[string]Repair
}

// New returns a journal over st. It fails without an owner.
func New(cfg Config, st hosting.IntentStore, log *slog.Logger) (*Journal, error) {
	if cfg.Owner == "" || st == nil {
		return nil, fmt.Errorf("intent: New needs an owner and a store")
	}
	for _, d := range []struct {
		p   *time.Duration
		def time.Duration
	}{{&cfg.DeadAfter, DefaultDeadAfter}, {&cfg.Interval, DefaultInterval}, {&cfg.RepairTime, DefaultRepairTime}} {
		if *d.p <= 0 {
			*d.p = d.def
		}
	}
	if cfg.Batch <= 0 {
		cfg.Batch = DefaultBatch
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Journal{cfg: cfg, store: st, log: log, now: time.Now, active: map[string]bool{},
		repairs: map[string]Repair{}}, nil
}

// Handle registers the repair of kind. Call it before Reconcile runs.
func (j *Journal) Handle(kind string, r Repair) {
	if j == nil {
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.repairs[kind] = r
}

// Begin returns a new intent of kind on accountID with data as its JSON,
// held by the caller until Finish or Release; the caller stores it with
// its first step (or by Record). On a nil Journal it returns nil, which
// the stores' ...Intent methods take as "no intent".
func (j *Journal) Begin(kind string, accountID int64, data any) (*hosting.Intent, error) {
	if j == nil {
		return nil, nil
	}
	b, err := json.Marshal(data)
	if err != nil {
		return nil, fmt.Errorf("intent: encode %s: %w", kind, err)
	}
	in := &hosting.Intent{ID: rand.Text(), Kind: kind, AccountID: accountID, Owner: j.cfg.Owner, Data: b,
		CreatedAt: j.now()}
	j.hold(in.ID, true)
	return in, nil
}

// Record stores an intent on its own, for a change whose first step is
// not a row (a directory made before its row is committed).
func (j *Journal) Record(ctx context.Context, in *hosting.Intent) error {
	if j == nil || in == nil {
		return nil
	}
	return j.store.CreateIntent(ctx, in)
}

// Update replaces the intent's data, before a step the repair must know
// about.
func (j *Journal) Update(ctx context.Context, in *hosting.Intent, data any) error {
	if j == nil || in == nil {
		return nil
	}
	b, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("intent: encode %s: %w", in.Kind, err)
	}
	in.Data = b
	return j.store.UpdateIntent(ctx, in.ID, b)
}

// Finish deletes the intent of a change that is done (completed or fully
// undone) and releases it. Even when the caller's request was cancelled it
// runs; if it fails, the intent stays for the reconciler, whose repair of
// a finished change does nothing more.
func (j *Journal) Finish(ctx context.Context, in *hosting.Intent) error {
	if j == nil || in == nil {
		return nil
	}
	defer j.Release(in)
	if err := j.store.DeleteIntent(context.WithoutCancel(ctx), in.ID); err != nil {
		return fmt.Errorf("intent: finish %s: %w", in.Kind, err)
	}
	return nil
}

// Release lets the reconciler repair the intent: the change holding it
// stopped without finishing it.
func (j *Journal) Release(in *hosting.Intent) {
	if j == nil || in == nil {
		return
	}
	j.hold(in.ID, false)
}

func (j *Journal) hold(id string, on bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if on {
		j.active[id] = true
	} else {
		delete(j.active, id)
	}
}

// Decode unmarshals an intent's data into v, for repairs.
func Decode(in *hosting.Intent, v any) error {
	if err := json.Unmarshal(in.Data, v); err != nil {
		return fmt.Errorf("intent: decode %s %s: %w", in.Kind, in.ID, err)
	}
	return nil
}
