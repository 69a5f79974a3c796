import Foundation
import GRDB
import LogStore
import Shared
import TestSupport

@testable import VeldwerkServer

/// A server store in a temporary folder with the default study, and helpers to record interviews
/// the way laptops do (their own device clock, pushed through the server's validation).
struct ExportFixture {
    let store: SQLServerStore
    let form: Questionnaire
    let now = Date(timeIntervalSince1970: 1_735_000_000)

    init(directory: TemporaryDirectory) async throws {
        store = try await testStore(path: directory.appending("server.sqlite").path)
        form = try XLSFormCompiler.defaultStudy()
        _ = try await store.loadStudyIfEmpty(roster: try Roster.defaultStudy(), questionnaire: form, now: now)
    }

    /// An interviewer with an enrolled laptop, assigned the given municipalities.
    func laptop(_ name: String, municipalities: [String]) async throws -> Laptop {
        let user = try await store.createUser(name: name, role: .interviewer, email: "\(name.lowercased())@example.org", now: now)
        let code = try await store.issueEnrolmentCode(for: user.id, lifetime: 3600, now: now)
        let enrolled = try await store.enrol(code: code.code, deviceName: "laptop of \(name)", now: now)
        let coordinator = Principal(user: .system, name: "coordinator", role: .coordinator, device: nil)
        _ = try await store.assign(municipalities, to: user.id, by: coordinator, now: now)
        return Laptop(
            principal: Principal(user: user.id, name: name, role: .interviewer, device: enrolled.device),
            clock: HybridClock(device: enrolled.device)
        )
    }

    /// Pushes a laptop's changes; every one must be accepted.
    func sync(_ changes: [Change], from laptop: Laptop) async throws {
        let result = try await store.push(changes, from: laptop.principal, now: now)
        guard result.rejected.isEmpty else { throw FixtureError.rejected(result.rejected.map(\.reason)) }
    }

    /// Every stored interview's merged fields, by id.
    func mergedInterviews() async throws -> [String: [String: JSONValue]] {
        try await store.engine.read { db in try ChangeLog.records(of: .interview, in: db) }
    }

    /// Runs an export into memory.
    func export(_ options: ExportOptions) async throws -> (bytes: [UInt8], manifest: ExportManifest) {
        let exporter = try await Exporter.prepare(store: store, options: options)
        var bytes: [UInt8] = []
        let manifest = try await exporter.write { bytes += $0 }
        return (bytes, manifest)
    }

    func exportText(_ options: ExportOptions) async throws -> String {
        String(decoding: try await export(options).bytes, as: UTF8.self)
    }

    /// Generated interviews for municipality codes, written as server changes (fast, for volume).
    func generate(_ count: Int, seed: UInt64, municipalities: [String] = ["11001", "11002", "44021", "71016"]) async throws -> [String] {
        let interviewer = try await store.createUser(name: "Generated Interviewer", role: .interviewer, email: nil, now: now).id
        var generator = SampleInterviews(form: form, municipalities: municipalities, interviewers: [interviewer], random: SeededRandom(seed: seed))
        var ids: [String] = []
        var edits: [FieldEdit] = []
        for _ in 0..<count {
            let interview = generator.next()
            ids.append(interview.id)
            edits += interview.edits
        }
        let all = edits
        let now = self.now
        try await store.engine.write { db in _ = try SQLServerStore.author(all, by: .system, now: now, in: db) }
        return ids
    }
}

enum FixtureError: Error {
    case rejected([String])
}

/// A laptop: its user and device, its clock and its own change numbers.
struct Laptop {
    var principal: Principal
    var clock: HybridClock
    var lastSeq: Int64 = 0
    /// What this laptop has seen of each field (its version's clock), for `base`.
    var seen: [FieldKey: HLC] = [:]

    /// Edits fields of one interview offline at wall time `physical` (ms).
    mutating func edit(interview id: String, nis: String, _ fields: [(String, JSONValue?)], at physical: Int64) -> [Change] {
        fields.map { field, value in
            lastSeq += 1
            let key = FieldKey(entity: .interview, entityId: id, field: field)
            let change = Change(
                id: ChangeID(device: clock.device, seq: lastSeq), scope: .municipality(nis), entity: .interview, entityId: id,
                field: field, value: value, hlc: clock.tick(physical: physical), base: seen[key], author: principal.user
            )
            seen[key] = change.hlc
            return change
        }
    }

    /// Notes changes pulled from the server.
    mutating func receive(_ changes: [Change], at physical: Int64) {
        for change in changes {
            clock.receive(change.hlc, physical: physical)
            if let known = seen[change.key], known >= change.hlc { continue }
            seen[change.key] = change.hlc
        }
    }
}

/// A small RFC 4180 reader for checking what the writers produce.
enum CSVParse {
    static func rows(_ text: String, separator: Character = ",") -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var chars = Array(text)
        if chars.first == "\u{FEFF}" { chars.removeFirst() }
        var index = 0
        while index < chars.count {
            let char = chars[index]
            if quoted {
                if char == "\"" {
                    if index + 1 < chars.count, chars[index + 1] == "\"" {
                        field.append("\"")
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(char)
                }
            } else if char == "\"" {
                quoted = true
            } else if char == separator {
                row.append(field)
                field = ""
            } else if char == "\r\n" || char == "\n" {
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else {
                field.append(char)
            }
            index += 1
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }

    /// Rows as dictionaries by header.
    static func records(_ text: String, separator: Character = ",") -> [[String: String]] {
        let all = rows(text, separator: separator)
        guard let header = all.first else { return [] }
        return all.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }
}
