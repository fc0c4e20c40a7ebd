// Copyright 2026 The strandq Authors.
#include "backend/sqlite/sqlite_writer.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "backend/sqlite/sqlite_schema.h"

namespace strandq {

struct SqliteWriter::Statements {
  SqliteStatement insert_account, update_account, insert_event, insert_payload, delete_event,
      delete_payload, bury, revive, delete_dead, reorder, totals, purge_payloads, purge_dead,
      record_key, forget_key, ack, sweep_events, sweep_payloads, sweep_acked;
  // kRows accepted events (and their payloads) in one statement each: most of a statement's
  // cost is per execution, not per row.
  static constexpr size_t kRows = 16;
  SqliteStatement insert_events, insert_payloads;

  static Result<std::unique_ptr<Statements>> Prepare(SqliteDb& db) {
    auto s = std::make_unique<Statements>();
    const std::pair<SqliteStatement*, const char*> all[] = {
        {&s->insert_account, "INSERT INTO accounts VALUES (?1, ?2, 1, 0, 0, 0, 0, 0)"},
        {&s->update_account,
         "UPDATE accounts SET next_seq = ?2, grants = ?3, head_id = ?4, attempt = ?5, "
         "parked = ?6, paused = ?7 WHERE slot = ?1"},
        {&s->insert_event, "INSERT INTO events VALUES (?1, ?2, ?3, ?4, ?1, 0)"},
        {&s->insert_payload, "INSERT INTO payloads VALUES (?1, ?2)"},
        {&s->delete_event, "DELETE FROM events WHERE id = ?1"},
        {&s->delete_payload, "DELETE FROM payloads WHERE id = ?1"},
        {&s->bury,
         "INSERT INTO dead (id, slot, seq, enqueued_ns, replays, attempt, error, dead_ns) "
         "SELECT id, slot, seq, enqueued_ns, replays, ?2, ?3, ?4 FROM events WHERE id = ?1"},
        {&s->revive,
         "INSERT INTO events SELECT id, slot, seq, enqueued_ns, id, ?2 FROM dead WHERE id = ?1"},
        {&s->delete_dead, "DELETE FROM dead WHERE id = ?1"},
        {&s->reorder, "UPDATE events SET pos = ?2 WHERE id = ?1"},
        {&s->totals,
         "UPDATE store SET enqueued = ?1, acked = ?2, nacked = ?3, expired = ?4, "
         "dead_lettered = ?5, last_id = ?6 WHERE one = 1"},
        {&s->purge_payloads, "DELETE FROM payloads WHERE id IN (SELECT id FROM dead)"},
        {&s->purge_dead, "DELETE FROM dead"},
        {&s->record_key, "INSERT OR REPLACE INTO idempotency_keys VALUES (?1, ?2, ?3, ?4)"},
        {&s->forget_key, "DELETE FROM idempotency_keys WHERE key = ?1"},
        {&s->ack, "INSERT INTO acked (id) VALUES (?1)"},
        {&s->sweep_events, "DELETE FROM events WHERE id IN (SELECT id FROM acked)"},
        {&s->sweep_payloads, "DELETE FROM payloads WHERE id IN (SELECT id FROM acked)"},
        {&s->sweep_acked, "DELETE FROM acked"},
    };
    std::string events = "INSERT INTO events VALUES ";
    std::string payloads = "INSERT INTO payloads VALUES ";
    for (size_t row = 0; row < kRows; ++row) {
      const std::string p = "?" + std::to_string(4 * row + 1);  // the id: pos = id
      events += (row ? ", (" : "(") + p + ", ?" + std::to_string(4 * row + 2) + ", ?" +
                std::to_string(4 * row + 3) + ", ?" + std::to_string(4 * row + 4) + ", " + p +
                ", 0)";
      payloads += (row ? ", (?" : "(?") + std::to_string(2 * row + 1) + ", ?" +
                  std::to_string(2 * row + 2) + ")";
    }
    std::vector<std::pair<SqliteStatement*, std::string>> statements(std::begin(all),
                                                                     std::end(all));
    statements.emplace_back(&s->insert_events, events);
    statements.emplace_back(&s->insert_payloads, payloads);
    for (const auto& [statement, sql] : statements) {
      auto prepared = db.Prepare(sql);
      if (!prepared.ok()) return prepared.status();
      *statement = std::move(*prepared);
    }
    return s;
  }
};

struct SqliteWriter::Reader {
  SqliteDb db;
  SqliteStatement select;
};

namespace {

auto I(uint64_t value) { return static_cast<int64_t>(value); }

// The rows of `table`.
Result<uint64_t> Count(SqliteDb& db, const std::string& table) {
  auto count = db.QueryInt("SELECT count(*) FROM " + table);
  if (!count.ok()) return count.status();
  return static_cast<uint64_t>(count->value_or(0));
}

}  // namespace

Result<std::unique_ptr<SqliteWriter>> SqliteWriter::Start(SqliteDb db, std::string path) {
  auto statements = Statements::Prepare(db);
  if (!statements.ok()) return statements.status();
  auto event_rows = Count(db, "events");
  if (!event_rows.ok()) return event_rows.status();
  auto acked_rows = Count(db, "acked");
  if (!acked_rows.ok()) return acked_rows.status();
  std::unique_ptr<SqliteWriter> writer(new SqliteWriter(std::move(db), std::move(path)));
  writer->statements_ = std::move(*statements);
  writer->event_rows_ = *event_rows;
  writer->acked_rows_ = *acked_rows;
  writer->thread_ = std::thread([w = writer.get()] { w->Run(); });
  return writer;
}

SqliteWriter::SqliteWriter(SqliteDb db, std::string path)
    : db_(std::move(db)), path_(std::move(path)) {}

SqliteWriter::~SqliteWriter() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  queued_.notify_all();
  if (thread_.joinable()) thread_.join();
}

uint64_t SqliteWriter::Record(ModelChanges changes, std::span<const NewEvent> batch) {
  std::lock_guard lock(mu_);
  const uint64_t ticket = ++last_ticket_;
  if (!failed_.ok()) return ticket;  // never written: Await answers with the failure
  queue_.push_back({ticket, std::move(changes), batch});
  if (queue_.size() == 1) queued_.notify_one();
  return ticket;
}

uint64_t SqliteWriter::Latest() const {
  std::lock_guard lock(mu_);
  return last_ticket_;
}

Status SqliteWriter::Await(uint64_t ticket) {
  std::unique_lock lock(mu_);
  committed_.wait(lock, [&] { return committed_ticket_ >= ticket || !failed_.ok(); });
  if (committed_ticket_ >= ticket) return Status();
  return failed_;
}

void SqliteWriter::Run() {
  std::vector<Step> steps;
  std::unique_lock lock(mu_);
  for (;;) {
    queued_.wait(lock, [&] { return !queue_.empty() || stopping_; });
    if (queue_.empty()) return;  // stopping, and everything is written
    steps.swap(queue_);
    lock.unlock();
    Status committed = Commit(steps);
    lock.lock();
    if (committed.ok()) {
      committed_ticket_ = steps.back().ticket;
    } else {
      // Internal: final for this process (its memory is ahead of the disk), which a worker
      // pool stops on rather than retrying.
      failed_ = Status::Internal("writing to the database failed (" + committed.message() +
                                 "); the store stopped: restart to recover what the database "
                                 "holds");
      queue_.clear();  // their callers get failed_; nothing reads their batches any more
    }
    steps.clear();
    committed_.notify_all();
  }
}

Status SqliteWriter::Commit(std::vector<Step>& steps) {
  if (Status begun = db_.Exec("BEGIN IMMEDIATE"); !begun.ok()) return begun;
  std::map<uint32_t, ModelChanges::Account> accounts;  // the last record of each account
  Status written;
  for (const Step& step : steps) {
    written = Apply(step, accounts);
    if (!written.ok()) break;
  }
  for (auto it = accounts.begin(); written.ok() && it != accounts.end(); ++it) {
    const ModelChanges::Account& a = it->second;
    written = statements_->update_account.Bind(1, a.slot)
                  .Bind(2, I(a.next_seq))
                  .Bind(3, a.grants)
                  .Bind(4, I(a.head_id))
                  .Bind(5, a.attempt)
                  .Bind(6, a.parked ? 1 : 0)
                  .Bind(7, a.paused ? 1 : 0)
                  .Run();
  }
  if (written.ok()) {
    const ModelChanges::Totals& t = steps.back().changes.totals;
    written = statements_->totals.Bind(1, I(t.enqueued))
                  .Bind(2, I(t.acked))
                  .Bind(3, I(t.nacked))
                  .Bind(4, I(t.expired))
                  .Bind(5, I(t.dead_lettered))
                  .Bind(6, I(t.last_id))
                  .Run();
  }
  if (written.ok()) written = SweepIfDue();
  if (written.ok()) written = db_.Exec("COMMIT");
  if (!written.ok()) (void)db_.Exec("ROLLBACK");
  return written;
}

Status SqliteWriter::SweepIfDue() {
  if (acked_rows_ < kMinSweep || 2 * acked_rows_ < event_rows_) return Status();
  Statements& s = *statements_;
  Status swept = s.sweep_events.Run();
  if (swept.ok()) swept = s.sweep_payloads.Run();
  if (swept.ok()) swept = s.sweep_acked.Run();
  if (swept.ok()) {
    event_rows_ -= acked_rows_;
    acked_rows_ = 0;
  }
  return swept;
}

Status SqliteWriter::InsertAccepted(SqliteStatement& events, SqliteStatement& payloads,
                                    std::span<const ModelChanges::Accepted> rows,
                                    std::span<const NewEvent> batch) {
  for (size_t row = 0; row < rows.size(); ++row) {
    const ModelChanges::Accepted& a = rows[row];
    const int e = static_cast<int>(4 * row), p = static_cast<int>(2 * row);
    events.Bind(e + 1, I(a.id))
        .Bind(e + 2, a.slot)
        .Bind(e + 3, I(a.seq))
        .Bind(e + 4, a.enqueued_ns);
    payloads.Bind(p + 1, I(a.id)).BindBlob(p + 2, batch[a.batch_index].payload);
  }
  Status inserted = events.Run();
  if (inserted.ok()) {
    inserted = payloads.Run();
  } else {
    payloads.Reset();
  }
  return inserted;
}

Status SqliteWriter::Apply(const Step& step, std::map<uint32_t, ModelChanges::Account>& accounts) {
  const ModelChanges& c = step.changes;
  Statements& s = *statements_;
  Status w;
  for (const auto& [slot, name] : c.new_accounts) {
    if (w.ok()) w = s.insert_account.Bind(1, slot).Bind(2, name).Run();
  }
  const std::span<const ModelChanges::Accepted> accepted(c.accepted);
  size_t i = 0;
  for (; w.ok() && i + Statements::kRows <= accepted.size(); i += Statements::kRows) {
    w = InsertAccepted(s.insert_events, s.insert_payloads, accepted.subspan(i, Statements::kRows),
                       step.batch);
  }
  for (; w.ok() && i < accepted.size(); ++i) {
    w = InsertAccepted(s.insert_event, s.insert_payload, accepted.subspan(i, 1), step.batch);
  }
  for (uint64_t id : c.removed) {
    if (w.ok()) w = s.ack.Bind(1, I(id)).Run();
  }
  event_rows_ += c.accepted.size();
  acked_rows_ += c.removed.size();
  if (w.ok()) w = ApplyDead(c);
  for (const std::string& key : c.keys_expired) {
    if (w.ok()) w = s.forget_key.Bind(1, key).Run();
  }
  for (const IdempotencyEntry& entry : c.keys) {
    if (!w.ok()) break;
    const std::string receipts = EncodeReceipts(entry.receipts);
    w = s.record_key.Bind(1, entry.key)
            .Bind(2, entry.fingerprint)
            .BindBlob(3, receipts)
            .Bind(4, entry.expires_wall_ns)
            .Run();
  }
  for (const ModelChanges::Order& order : c.reordered) {
    // The account's own ids, ascending, become its positions in the new order: every event
    // accepted later has a larger id, so it still comes after them.
    std::vector<uint64_t> positions = order.ids;
    std::sort(positions.begin(), positions.end());
    for (size_t i = 0; w.ok() && i < order.ids.size(); ++i) {
      w = s.reorder.Bind(1, I(order.ids[i])).Bind(2, I(positions[i])).Run();
    }
  }
  for (const ModelChanges::Account& account : c.accounts) accounts[account.slot] = account;
  return w;
}

Status SqliteWriter::ApplyDead(const ModelChanges& c) {
  Statements& s = *statements_;
  Status w;
  for (const ModelChanges::Dead& d : c.dead) {
    if (w.ok()) {
      w = s.bury.Bind(1, I(d.id)).Bind(2, d.attempt).Bind(3, d.error).Bind(4, d.dead_ns).Run();
    }
    if (w.ok()) w = s.delete_event.Bind(1, I(d.id)).Run();
  }
  event_rows_ += c.revived.size();
  event_rows_ -= std::min(event_rows_, c.dead.size());
  for (const auto& [id, replays] : c.revived) {
    if (w.ok()) w = s.revive.Bind(1, I(id)).Bind(2, replays).Run();
    if (w.ok()) w = s.delete_dead.Bind(1, I(id)).Run();
  }
  for (uint64_t id : c.purged) {
    if (w.ok()) w = s.delete_payload.Bind(1, I(id)).Run();
    if (w.ok()) w = s.delete_dead.Bind(1, I(id)).Run();
  }
  if (c.purged_all && w.ok()) w = s.purge_payloads.Run();
  if (c.purged_all && w.ok()) w = s.purge_dead.Run();
  return w;
}

Status SqliteWriter::LoadPayloads(std::span<Event* const> events) {
  auto reader = TakeReader();
  if (!reader.ok()) return reader.status();
  Status loaded;
  if (events.size() > 1) loaded = (*reader)->db.Exec("BEGIN");
  for (Event* event : events) {
    if (!loaded.ok()) break;
    SqliteStatement& select = (*reader)->select;
    select.Bind(1, I(event->id));
    Result<bool> row = select.Step();
    if (!row.ok()) {
      loaded = row.status();
    } else if (*row) {
      event->payload = select.Text(0);
    }
    select.Reset();
  }
  if (events.size() > 1) {
    Status ended = (*reader)->db.Exec("COMMIT");
    if (loaded.ok()) loaded = ended;
  }
  // A connection that failed may be left inside its transaction: it is closed, not reused.
  if (loaded.ok()) ReturnReader(std::move(*reader));
  return loaded;
}

Result<std::unique_ptr<SqliteWriter::Reader>> SqliteWriter::TakeReader() {
  {
    std::lock_guard lock(readers_mu_);
    if (!readers_.empty()) {
      std::unique_ptr<Reader> reader = std::move(readers_.back());
      readers_.pop_back();
      return reader;
    }
  }
  auto db = SqliteDb::Open(path_, SQLITE_OPEN_READONLY);
  if (!db.ok()) return db.status();
  auto select = db->Prepare("SELECT body FROM payloads WHERE id = ?1");
  if (!select.ok()) return select.status();
  auto reader = std::make_unique<Reader>();
  reader->db = std::move(*db);
  reader->select = std::move(*select);
  return reader;
}

void SqliteWriter::ReturnReader(std::unique_ptr<Reader> reader) {
  std::lock_guard lock(readers_mu_);
  readers_.push_back(std::move(reader));
}

}  // namespace strandq
