package taskbox

import (
	"context"
	"net/mail"
	"strings"
	"time"
)

// Role is what a member may do: an admin manages members and the account's
// settings; a member works tasks.
type Role string

const (
	RoleAdmin  Role = "admin"
	RoleMember Role = "member"
)

// Valid reports whether r is one of the two roles.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleMember }

// MemberIDRule is the sentence a 422 on a member id (assignee_id,
// team_member_id) carries.
const MemberIDRule = "must be the id of a team member of the account"

// RoleRule is the sentence a 422 on role carries.
const RoleRule = "must be admin or member"

// OwnerName is the name of the member that `accounts create` makes, and
// that owns the keys made before members existed.
const OwnerName = "Owner"

// Limits of a member's fields.
const (
	MaxMemberNameLen  = 255
	MaxMemberEmailLen = 254
	MinPasswordLen    = 10
	MaxPasswordLen    = 72 // bcrypt reads no further
)

// SetupLinkTTL is how long a one-time password setup link works.
const SetupLinkTTL = 24 * time.Hour

// Member is one person of an account's team. Every API key belongs to a
// member, and a key acts as its member. Email is nil for a member that
// signs in with keys only (the Owner); Timezone nil means the account's.
// The JSON is the shape of GET /api/v1/team-members.
type Member struct {
	ID        int64      `json:"id"`
	AccountID int64      `json:"-"`
	Name      string     `json:"name"`
	Email     *string    `json:"email"`
	Role      Role       `json:"role"`
	Timezone  *string    `json:"timezone"`
	CreatedAt Timestamp  `json:"created_at"`
	RemovedAt *Timestamp `json:"-"`
	// HasPassword says whether the member has chosen a web password.
	HasPassword bool `json:"-"`
	// The notification settings (membersettings.go).
	Digest           string    `json:"digest"`
	DigestHour       int       `json:"digest_hour"`
	DigestDays       []int     `json:"digest_days"`
	DefaultReminders []string  `json:"default_reminders"`
	WorkHours        WorkHours `json:"work_hours"`
}

// Location returns the member's time zone, else the account's.
func (m *Member) Location(acct *Account) *time.Location {
	if m.Timezone != nil {
		return (&Account{Timezone: *m.Timezone}).Location()
	}
	return acct.Location()
}

// NewMember is what `members add` asks for. Email may be "" (no web
// sign-in by password); Role "" means member; Timezone "" means the account's.
type NewMember struct {
	Name     string
	Email    string
	Role     Role
	Timezone string
}

// Validate normalises the fields (trims them, lower-cases nothing: the
// email is kept as typed and compared without case) and checks them.
func (n *NewMember) Validate() error {
	var fe FieldErrors
	n.Name = TrimText(n.Name)
	checkMemberName(&fe, "name", n.Name)
	n.Email = strings.TrimSpace(n.Email)
	if n.Email != "" {
		checkEmail(&fe, "email", n.Email)
	}
	if n.Role == "" {
		n.Role = RoleMember
	} else if !n.Role.Valid() {
		fe.Add("role", RoleRule)
	}
	if n.Timezone != "" {
		checkZone(&fe, "timezone", n.Timezone)
	}
	return fe.Err()
}

// MemberUpdate changes the fields that are set; the others stay. It is the
// body of PATCH /api/v1/team-members/{id} after decoding, and of `members
// update`. TimezoneSet with a nil Timezone goes back to the account's zone.
// Role and Email are changed by admins only.
type MemberUpdate struct {
	Name        *string
	TimezoneSet bool
	Timezone    *string
	Role        *Role
	Email       *string // "" removes it
	// The notification settings; nil leaves one as it is.
	Digest           *string
	DigestHour       *int
	DigestDays       *[]int
	DefaultReminders *[]string // an empty list: none
	WorkHours        *WorkHours
}

// Validate normalises and checks the fields that are set; a field that
// already has an error in fe (a type error from decoding) is not checked again.
func (u *MemberUpdate) Validate(fe *FieldErrors) {
	if u.Name != nil && !fe.Has("name") {
		*u.Name = TrimText(*u.Name)
		checkMemberName(fe, "name", *u.Name)
	}
	if u.Timezone != nil && !fe.Has("timezone") {
		checkZone(fe, "timezone", *u.Timezone)
	}
	if u.Role != nil && !fe.Has("role") && !u.Role.Valid() {
		fe.Add("role", RoleRule)
	}
	if u.Email != nil && !fe.Has("email") {
		*u.Email = strings.TrimSpace(*u.Email)
		if *u.Email != "" {
			checkEmail(fe, "email", *u.Email)
		}
	}
	u.checkSettings(fe)
}

// Empty reports whether the update changes nothing.
func (u *MemberUpdate) Empty() bool {
	return u.Name == nil && !u.TimezoneSet && u.Role == nil && u.Email == nil && u.settingsEmpty()
}

func checkMemberName(fe *FieldErrors, field, name string) {
	switch {
	case name == "":
		fe.Add(field, "is required")
	case RuneLen(name) > MaxMemberNameLen:
		fe.Add(field, "must be at most 255 characters")
	case hasNUL(name):
		fe.Add(field, "must not contain NUL characters")
	}
}

func checkEmail(fe *FieldErrors, field, email string) {
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || len(email) > MaxMemberEmailLen || !strings.Contains(email[strings.LastIndexByte(email, '@')+1:], ".") {
		fe.Add(field, "must be an email address such as ana@example.com")
	}
}

func checkZone(fe *FieldErrors, field, zone string) {
	if _, err := time.LoadLocation(zone); err != nil || zone == "Local" || zone == "" {
		fe.Add(field, "must be an IANA time zone such as Europe/Berlin")
	}
}

// CheckPassword says what is wrong with a new web password, or "".
func CheckPassword(p string) string {
	switch n := RuneLen(p); {
	case n < MinPasswordLen:
		return "must be at least 10 characters"
	case len(p) > MaxPasswordLen:
		return "must be at most 72 bytes"
	}
	return ""
}

// CreatedMember is a new member with its first key and, when it has an
// email, the token of its one-time password setup link: both are shown
// once and never again.
type CreatedMember struct {
	Member
	Key        *CreatedKey
	SetupToken string // "" without an email
}

// MemberService manages the members of the actor's account. Reading is
// open to every member; adding, removing, resetting a password and
// changing a role or an email are an admin's; a member may change its own
// name and zone. Another account's member is ENOTFOUND; a member the
// actor may not change is EFORBIDDEN.
type MemberService interface {
	ListMembers(ctx context.Context) ([]*Member, error)
	FindMemberByID(ctx context.Context, id int64) (*Member, error)
	UpdateMember(ctx context.Context, id int64, u *MemberUpdate) (*Member, error)
}

// MemberAdmin is what the local `members` commands do, as an admin of the
// actor's account.
type MemberAdmin interface {
	MemberService
	CreateMember(ctx context.Context, n NewMember) (*CreatedMember, error)
	RemoveMember(ctx context.Context, id int64) error
	// ResetMemberPassword makes a new setup link (the old one dies) and
	// returns its token; the member's password works until a new one is set.
	ResetMemberPassword(ctx context.Context, id int64) (string, error)
}

// PasswordSignIn signs members in to the web inbox by email and password.
type PasswordSignIn interface {
	// SignIn returns the actor of the active member with that email and
	// password, and the session generation the session must carry; a
	// wrong pair is EUNAUTHORIZED, whichever part is wrong.
	SignIn(ctx context.Context, email, password string) (*Actor, int64, error)
	// SessionActor returns the actor of a member's web session, or
	// EUNAUTHORIZED when the member was removed or its password changed
	// since the session began (gen differs).
	SessionActor(ctx context.Context, memberID, gen int64) (*Actor, error)
	// SetupMember returns the member a setup token is for; an unknown,
	// used or expired token is ENOTFOUND.
	SetupMember(ctx context.Context, token string) (*Member, error)
	// SetPassword sets the password of a setup token's member and ends the
	// token and the member's other web sessions.
	SetPassword(ctx context.Context, token, password string) (*Member, error)
}

// MemberRef names a member in answers: a task's assignee, an audit entry's
// member.
type MemberRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// LeadOwner is a lead map's owner after update-team-member: the answer's
// data, in SmartLead's words. TeamMemberID and AssignedAt are null when
// the lead map is unassigned.
type LeadOwner struct {
	LeadMapID       int64      `json:"email_lead_map_id"`
	TeamMemberID    *int64     `json:"team_member_id"`
	AssignedAt      *Timestamp `json:"assigned_at"`
	TasksReassigned int        `json:"tasks_reassigned"`
}

// OwnerService sets the owners of the lead maps of the actor's account.
type OwnerService interface {
	// UpdateTeamMember makes memberID (0: nobody) the owner of a lead map,
	// and moves the lead map's open tasks that were unassigned or
	// assigned to the previous owner to it. An unknown lead map is
	// ENOTFOUND; a member that is not an active one of the account is
	// EINVALID on team_member_id.
	UpdateTeamMember(ctx context.Context, leadMapID, memberID int64) (*LeadOwner, error)
}
