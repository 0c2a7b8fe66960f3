package client

import (
	"context"

	taskbox "github.com/taskboxhq/taskbox"
)

var (
	_ taskbox.MemberService = (*Client)(nil)
	_ taskbox.OwnerService  = (*Client)(nil)
)

// ListMembers is GET /api/v1/team-members: the account's active members.
func (cl *Client) ListMembers(ctx context.Context) ([]*taskbox.Member, error) {
	var out data[[]*taskbox.Member]
	err := cl.do(ctx, call{method: "GET", path: "/api/v1/team-members"}, &out)
	return out.Data, err
}

// FindMemberByID is GET /api/v1/team-members/{id}.
func (cl *Client) FindMemberByID(ctx context.Context, id int64) (*taskbox.Member, error) {
	var out data[*taskbox.Member]
	err := cl.do(ctx, call{method: "GET", path: idPath("/api/v1/team-members/%d", id)}, &out)
	return out.Data, err
}

// UpdateMember is PATCH /api/v1/team-members/{id}: the fields of u that
// are set (an email is changed by the local admin commands only).
func (cl *Client) UpdateMember(ctx context.Context, id int64, u *taskbox.MemberUpdate) (*taskbox.Member, error) {
	b := map[string]any{}
	if u.Name != nil {
		b["name"] = *u.Name
	}
	if u.TimezoneSet {
		b["timezone"] = u.Timezone
	}
	if u.Role != nil {
		b["role"] = *u.Role
	}
	var out data[*taskbox.Member]
	err := cl.do(ctx, call{method: "PATCH", path: idPath("/api/v1/team-members/%d", id), body: b, policy: unsafe}, &out)
	return out.Data, err
}

// UpdateTeamMember is SmartLead's POST /api/v1/master-inbox/update-team-member:
// memberID (0: nobody) becomes the lead map's owner.
func (cl *Client) UpdateTeamMember(ctx context.Context, leadMapID, memberID int64) (*taskbox.LeadOwner, error) {
	var out data[*taskbox.LeadOwner]
	err := cl.do(ctx, call{method: "POST", path: "/api/v1/master-inbox/update-team-member",
		body: map[string]any{"email_lead_map_id": leadMapID, "team_member_id": assigneeValue(memberID)}, policy: unsafe}, &out)
	return out.Data, err
}
