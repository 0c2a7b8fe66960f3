package taskbox

import (
	"context"
	"sync"
	"time"
)

// Account is a workspace: its campaigns, leads, tasks and keys are seen by no
// other account. Its time zone is where date-times without an offset are taken.
type Account struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Timezone  string    `json:"timezone"`
	CreatedAt time.Time `json:"created_at"`
}

// Location returns the account's time zone, UTC when it cannot be loaded.
func (a *Account) Location() *time.Location {
	if loc, ok := locations.Load(a.Timezone); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(a.Timezone)
	if err != nil {
		return time.UTC
	}
	locations.Store(a.Timezone, loc)
	return loc
}

// locations keeps the zones loaded so far: loading one reads and parses the
// zone database, and every request of an account needs its zone. Only
// names that loaded are kept, and there are a few hundred of them.
var locations sync.Map

// APIKey describes a key without its secret; only a hash of the secret is stored.
type APIKey struct {
	ID         int64      `json:"key_id"`
	AccountID  int64      `json:"account_id"`
	MemberID   int64      `json:"team_member_id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// NewAccount is what `accounts create` asks for.
type NewAccount struct {
	Name     string
	Timezone string // IANA zone; "" means UTC
}

// Validate checks the account's name and time zone.
func (n *NewAccount) Validate() error {
	var fe FieldErrors
	n.Name = TrimText(n.Name)
	if Blank(n.Name) {
		fe.Add("name", "is required")
	} else if RuneLen(n.Name) > 255 {
		fe.Add("name", "must be at most 255 characters")
	}
	if n.Timezone == "" {
		n.Timezone = "UTC"
	}
	if _, err := time.LoadLocation(n.Timezone); err != nil || n.Timezone == "Local" {
		fe.Add("timezone", "must be an IANA time zone such as Europe/Berlin")
	}
	return fe.Err()
}

// CreatedKey is a new key with its secret, which is shown once and never again.
type CreatedKey struct {
	APIKey
	Secret string `json:"api_key"`
}

// AccountService manages accounts and their keys. It is used by the local
// admin commands and by authentication; it is not exposed over HTTP.
type AccountService interface {
	CreateAccount(ctx context.Context, n NewAccount) (*Account, *CreatedKey, error)
	FindAccountByName(ctx context.Context, name string) (*Account, error)
	CreateKey(ctx context.Context, accountID int64, name string) (*CreatedKey, error)
	ListKeys(ctx context.Context, accountID int64) ([]*APIKey, error)
	RevokeKey(ctx context.Context, keyID int64) error
	// Authenticate resolves a presented key to its actor; an unknown or
	// revoked key is EUNAUTHORIZED.
	Authenticate(ctx context.Context, secret string) (*Actor, error)
}

// Actor is who makes a change: an API key of an account, used directly or
// by a person signed in to the web inbox with it (Web); a member signed in
// to the web inbox with its password (Web, KeyID 0); or the local command
// line acting as an admin of the account (Local). Every service call runs
// on behalf of the actor in its context.
type Actor struct {
	Account *Account
	KeyID   int64
	KeyName string
	Web     bool
	Local   bool
	// The member the key belongs to, or who signed in with its password:
	// the actor of audit trails and notes, and "me" in filters. 0 for the
	// command line.
	MemberID   int64
	MemberName string
	MemberRole Role
	// MemberTimezone is the member's own zone, "" for the account's.
	MemberTimezone string
	// RuleID is the SmartLead rule acting (KeyName names it), 0 otherwise.
	RuleID int64
}

// Location is the actor's time zone: its member's, else the account's.
// A snooze to a date means 09:00 there.
func (a *Actor) Location() *time.Location {
	if a.MemberTimezone != "" {
		return (&Account{Timezone: a.MemberTimezone}).Location()
	}
	return a.Account.Location()
}

// AccountID returns the actor's account id.
func (a *Actor) AccountID() int64 { return a.Account.ID }

// IsAdmin reports whether the actor may manage members and the account's
// settings: an admin member, or the local command line.
func (a *Actor) IsAdmin() bool { return a.Local || a.MemberRole == RoleAdmin }

// Member returns the actor's member, nil for the command line.
func (a *Actor) Member() *MemberRef {
	if a.MemberID == 0 {
		return nil
	}
	return &MemberRef{ID: a.MemberID, Name: a.MemberName}
}

// LocalAdmin is the actor of the local admin commands (`taskbox members
// …`) on an account.
func LocalAdmin(acct *Account) *Actor {
	return &Actor{Account: acct, Local: true, KeyName: "command line"}
}

// DisplayName is how the actor signs what it writes (a note's created_by):
// its member's name, else (the command line) the name of its key.
func (a *Actor) DisplayName() string {
	if a.MemberName != "" {
		return a.MemberName
	}
	return a.KeyName
}

// MemberIDOrNil is the id of the team member the actor is, stored with what
// it writes (a note's member_id); nil for the command line.
func (a *Actor) MemberIDOrNil() *int64 {
	if a.MemberID == 0 {
		return nil
	}
	return &a.MemberID
}

type actorKey struct{}

// NewContextWithActor returns ctx carrying actor.
func NewContextWithActor(ctx context.Context, actor *Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

// ActorFromContext returns the actor of ctx, or nil.
func ActorFromContext(ctx context.Context) *Actor {
	a, _ := ctx.Value(actorKey{}).(*Actor)
	return a
}

// RequireActor returns the actor of ctx or EUNAUTHORIZED.
func RequireActor(ctx context.Context) (*Actor, error) {
	if a := ActorFromContext(ctx); a != nil && a.Account != nil {
		return a, nil
	}
	return nil, Errorf(EUNAUTHORIZED, "Invalid API Key")
}
