package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// inboundLock is the PostgreSQL advisory lock under which one server at a
// time processes received SmartLead events, one transaction per event, in
// the order they were received: a category event that follows a reply
// sees the reply's task.
const inboundLock = 0x736d6172746c6561 // "smartlea"

// maxInboundAttempts is how often an event whose processing fails is tried
// before it is marked failed.
const maxInboundAttempts = 5

// ProcessInbound processes up to limit received SmartLead events, oldest
// first, each in one transaction with what it changes: the event is marked
// done in the transaction that mirrors it and applies the rules, so a crash
// leaves it pending and it is processed once, by whichever server takes it
// next. It returns how many it processed.
func (db *DB) ProcessInbound(ctx context.Context, limit int) (n int, err error) {
	var one int64
	if err := db.readRow(ctx, `SELECT id FROM smartlead_inbound WHERE status = ? ORDER BY id LIMIT 1`, []any{inboundPending}, &one); err != nil {
		return 0, nil // nothing pending (or the database is away: the next tick retries)
	}
	for n < limit {
		var (
			id      int64
			perr    error
			claimed bool
			outcome string
		)
		err = db.inWrite(ctx, func(tx *Tx) error {
			if got, err := tx.dialect.tryXactLock(ctx, tx, inboundLock); err != nil || !got {
				return err
			}
			var (
				accountID int64
				payload   string
			)
			err := tx.queryRow(ctx, `SELECT id, account_id, payload FROM smartlead_inbound WHERE status = ? ORDER BY id LIMIT 1`+
				tx.dialect.lockRow(), inboundPending).Scan(&id, &accountID, &payload)
			if errors.Is(err, sql.ErrNoRows) {
				return nil
			} else if err != nil {
				return err
			}
			claimed = true
			var e taskbox.SmartLeadEvent
			if err := json.Unmarshal([]byte(payload), &e); err != nil {
				return fmt.Errorf("inbound event %d: %w", id, err)
			}
			p := &processing{tx: tx, e: &e}
			if perr = p.run(ctx, accountID); perr != nil {
				return perr
			}
			outcome = p.outcome()
			return p.finish(ctx, id, inboundDone)
		})
		if err == nil && claimed {
			db.inbound.count(outcome)
		}
		if err != nil && perr != nil && ctx.Err() == nil {
			// The event's own fault (or an outage): count the try, and give
			// up after a few, recording why.
			if ferr := db.failInbound(ctx, id, perr); ferr != nil {
				return n, errors.Join(err, ferr)
			}
		}
		if err != nil || !claimed {
			return n, err
		}
		n++
	}
	return n, nil
}

func (db *DB) failInbound(ctx context.Context, id int64, cause error) error {
	var status string
	err := db.inWrite(ctx, func(tx *Tx) error {
		res, _ := json.Marshal([]string{"processing failed: " + cause.Error()})
		if _, err := tx.exec(ctx, `UPDATE smartlead_inbound SET attempts = attempts + 1,
			status = CASE WHEN attempts + 1 >= ? THEN ? ELSE status END, result = ? WHERE id = ? AND status = ?`,
			maxInboundAttempts, inboundFailed, string(res), id, inboundPending); err != nil {
			return err
		}
		return tx.queryRow(ctx, `SELECT status FROM smartlead_inbound WHERE id = ?`, id).Scan(&status)
	})
	if err == nil && status == inboundFailed {
		db.inbound.count(OutcomeFailed)
	}
	return err
}

// What became of a processed SmartLead event, as /metrics counts it.
const (
	OutcomeApplied = "applied" // one rule or more matched and acted
	OutcomeNoRule  = "no_rule" // mirrored, but no enabled rule matched
	OutcomeIgnored = "ignored" // an event type taskbox does not act on, or no lead or campaign in it
	OutcomeFailed  = "failed"  // processing failed maxInboundAttempts times; the event is marked failed
)

// InboundOutcomes are the outcomes, in the order /metrics lists them.
var InboundOutcomes = []string{OutcomeApplied, OutcomeNoRule, OutcomeIgnored, OutcomeFailed}

// inboundCounts counts the events this process processed, by outcome.
type inboundCounts struct{ applied, noRule, ignored, failed atomic.Int64 }

func (c *inboundCounts) count(outcome string) {
	switch outcome {
	case OutcomeApplied:
		c.applied.Add(1)
	case OutcomeNoRule:
		c.noRule.Add(1)
	case OutcomeIgnored:
		c.ignored.Add(1)
	case OutcomeFailed:
		c.failed.Add(1)
	}
}

// InboundProcessed returns how many SmartLead events this process
// processed with the outcome (one of InboundOutcomes) since it opened the
// store.
func (db *DB) InboundProcessed(outcome string) int64 {
	switch outcome {
	case OutcomeApplied:
		return db.inbound.applied.Load()
	case OutcomeNoRule:
		return db.inbound.noRule.Load()
	case OutcomeIgnored:
		return db.inbound.ignored.Load()
	case OutcomeFailed:
		return db.inbound.failed.Load()
	}
	return 0
}

// processing is one event being processed, in its transaction.
type processing struct {
	tx        *Tx
	e         *taskbox.SmartLeadEvent
	account   *taskbox.Account
	leadMapID int64
	leadID    int64
	campaign  string
	owner     sql.NullInt64
	lead      *taskbox.Lead
	results   []string
	ignored   bool // nothing to act on: see OutcomeIgnored
	matched   int  // rules that matched
}

func (p *processing) outcome() string {
	switch {
	case p.ignored:
		return OutcomeIgnored
	case p.matched > 0:
		return OutcomeApplied
	}
	return OutcomeNoRule
}

func (p *processing) say(format string, args ...any) {
	p.results = append(p.results, fmt.Sprintf(format, args...))
}

func (p *processing) finish(ctx context.Context, id int64, status string) error {
	if len(p.results) == 0 {
		p.say("no rule matched")
	}
	res, err := json.Marshal(p.results)
	if err != nil {
		return err
	}
	_, err = p.tx.exec(ctx, `UPDATE smartlead_inbound SET status = ?, result = ?, lead_map_id = ?, processed_at = ?, attempts = attempts + 1 WHERE id = ?`,
		status, string(res), nullID(p.leadMapID), p.tx.now.Micros(), id)
	return err
}

// run mirrors the event's campaign, lead and lead map, keeps its reply and
// category, and applies the account's rules.
func (p *processing) run(ctx context.Context, accountID int64) error {
	tx, e := p.tx, p.e
	acct := &taskbox.Account{}
	var created int64
	if err := tx.queryRow(ctx, `SELECT id, name, timezone, created_at FROM accounts WHERE id = ?`, accountID).
		Scan(&acct.ID, &acct.Name, &acct.Timezone, &created); err != nil {
		return err
	}
	acct.CreatedAt = time.UnixMicro(created).UTC()
	p.account = acct
	if !knownEvent(e.EventType) {
		p.ignored = true
		p.say("event type %q is not one taskbox acts on: nothing done", e.EventType)
		return nil
	}
	switch {
	case e.LeadEmail == "" || !taskbox.ValidEmail(e.LeadEmail):
		p.ignored = true
		p.say("no lead email in the event (sl_lead_email, lead_email, to_email, lead_data.email): nothing done")
		return nil
	case e.CampaignID <= 0:
		p.ignored = true
		p.say("no campaign_id in the event: nothing done")
		return nil
	}
	if err := p.mirror(ctx); err != nil {
		return err
	}
	if err := p.keepCategory(ctx); err != nil {
		return err
	}
	if err := p.keepReply(ctx); err != nil {
		return err
	}
	rules, err := listRules(ctx, tx, accountID)
	if err != nil {
		return err
	}
	for _, r := range rules {
		if !r.Matches(e) {
			continue
		}
		p.matched++
		if err := p.apply(ctx, r); err != nil {
			return fmt.Errorf("%s: %w", r, err)
		}
	}
	return nil
}

func knownEvent(t string) bool {
	for _, k := range taskbox.SmartLeadEventTypes {
		if k == t {
			return true
		}
	}
	return false
}

// keepReply stores the event's reply on the lead map.
func (p *processing) keepReply(ctx context.Context) error {
	r := p.e.Reply
	if r == nil || strings.TrimSpace(r.Text) == "" {
		return nil
	}
	var at any
	if r.Time != nil {
		at = r.Time.Micros()
	}
	_, err := p.tx.exec(ctx, `INSERT INTO smartlead_replies (account_id, lead_map_id, lead_id, message_id, subject, text, replied_at, app_url, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.account.ID, p.leadMapID, p.leadID, nullText(r.MessageID), r.Subject, r.Text, at, r.AppURL, p.tx.now.Micros())
	if err == nil {
		p.say("reply kept")
	}
	return err
}

// keepCategory sets the lead map's category from lead_category.new_id or
// new_name: one of SmartLead's defaults by id, else the account's
// category of that name, created when it has none.
func (p *processing) keepCategory(ctx context.Context) error {
	e, tx := p.e, p.tx
	if e.CategoryID == 0 && e.CategoryName == "" {
		return nil
	}
	var (
		id   int64
		name string
	)
	err := sql.ErrNoRows
	if e.CategoryID > 0 {
		err = tx.queryRow(ctx, `SELECT id, name FROM lead_categories WHERE id = ? AND (account_id IS NULL OR account_id = ?)`,
			e.CategoryID, p.account.ID).Scan(&id, &name)
		if err == nil && e.CategoryName != "" && !strings.EqualFold(name, e.CategoryName) && id >= 1000 {
			err = sql.ErrNoRows // a custom id of SmartLead's, not ours: go by the name
		}
	}
	if errors.Is(err, sql.ErrNoRows) && e.CategoryName != "" {
		key := strings.ToLower(strings.TrimSpace(e.CategoryName))
		err = tx.queryRow(ctx, `SELECT id, name FROM lead_categories WHERE name_key = ? AND (account_id IS NULL OR account_id = ?)
			ORDER BY id LIMIT 1`, key, p.account.ID).Scan(&id, &name)
		if errors.Is(err, sql.ErrNoRows) {
			c, cerr := createCategory(ctx, tx, p.account.ID, &taskbox.CategoryCreate{Name: strings.TrimSpace(e.CategoryName)})
			if cerr != nil {
				return cerr
			}
			id, name, err = c.ID, c.Name, nil
			p.say("category %q created", name)
		}
	}
	if errors.Is(err, sql.ErrNoRows) {
		p.say("category id %d is unknown: category not set", e.CategoryID)
		return nil
	} else if err != nil {
		return err
	}
	e.CategoryName = name
	if _, err := tx.exec(ctx, `UPDATE lead_maps SET category_id = ? WHERE id = ?`, id, p.leadMapID); err != nil {
		return err
	}
	p.say("category set to %s", name)
	return nil
}
