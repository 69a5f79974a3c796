import Foundation
import GRDB
import Shared

/// Server-side set-up through the real program and its coordinator API: a coordinator token from
/// `veldwerk-server admin create-user`, users and assignments by CSV import, laptops by enrolment.
struct Study {
    /// The server nodes; with SQLite there is one.
    let servers: [ServerProcess]
    let data: URL
    /// The PostgreSQL database the nodes share (nil: SQLite in `data`).
    let postgres: String?
    let coordinatorToken: String

    var server: ServerProcess { servers[0] }

    /// Starts the server on `data`, or `nodes` servers on the PostgreSQL database `postgres` (the
    /// default study is loaded on first start), and signs a coordinator in.
    init(data: URL, postgres: String? = nil, nodes: Int = 1) throws {
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        self.data = data
        self.postgres = postgres
        // The first node loads the default study; the others start on the database it made.
        var servers = [try ServerProcess(data: data, database: postgres)]
        for _ in 1..<max(1, nodes) { servers.append(try ServerProcess(data: data, database: postgres)) }
        self.servers = servers
        let process = Process()
        process.executableURL = ServerProcess.binary()
        process.arguments = ["admin", "create-user", "--name", "Bench Coördinator", "--role", "coordinator", "--json"]
            + ServerProcess.databaseArguments(data: data, database: postgres)
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        struct Created: Decodable { var token: String? }
        guard let token = try JSONDecoder().decode(Created.self, from: text).token else { throw BenchError("no coordinator token") }
        coordinatorToken = token
    }

    var url: String { server.url }

    /// Stops every node.
    func stop() { for server in servers { server.stop() } }

    /// Adds municipalities to the roster (CSV, as a coordinator would).
    func addMunicipalities(_ codes: [String]) throws {
        var csv = "nis_code,name,province,valid_from,valid_to,merged_into_nis,arrondissement,predecessors,in_2024_list,in_2025_list\n"
        for code in codes { csv += "\(code),Proefgemeente \(code),Proef,2019-01-01,,,Proef,,1,1\n" }
        let response = try CurlClient.perform("POST", url + "/v1/roster", token: coordinatorToken, body: Data(csv.utf8), contentType: "text/csv")
        guard response.status == 200 else { throw BenchError("roster load answered \(response.status): \(String(decoding: response.body, as: UTF8.self))") }
    }

    /// Creates interviewers, assigns each its municipalities, enrols a laptop for each in `homes`;
    /// the laptops are spread over the nodes in turn (as a load balancer would).
    func laptops(_ people: [(name: String, municipalities: [String], home: URL)]) throws -> [BenchLaptop] {
        let csv = "name,role\n" + people.map { "\($0.name),interviewer\n" }.joined()
        let created = try CurlClient.json(ListResponse<CreatedUser>.self, "POST", url + "/v1/users/import", token: coordinatorToken, body: Data(csv.utf8), contentType: "text/csv").items
        guard created.count == people.count else { throw BenchError("created \(created.count) of \(people.count) users") }
        var assignments = "nis_code,interviewer\n"
        for (person, user) in zip(people, created) {
            for nis in person.municipalities { assignments += "\(nis),\(user.user.id.rawValue)\n" }
        }
        let assigned = try CurlClient.perform("POST", url + "/v1/assignments/import", token: coordinatorToken, body: Data(assignments.utf8), contentType: "text/csv")
        guard assigned.status == 200 else { throw BenchError("assignments answered \(assigned.status): \(String(decoding: assigned.body, as: UTF8.self))") }
        return try zip(people, created).enumerated().map { index, pair in
            let (person, user) = pair
            let node = servers[index % servers.count].url
            guard let code = user.enrolmentCode?.code else { throw BenchError("no enrolment code for \(person.name)") }
            let enrolment = try CurlClient.json(
                EnrolResponse.self, "POST", node + "/v1/enrol", token: nil, body: try JSONEncoder().encode(EnrolRequest(code: code, deviceName: person.name))
            )
            return try BenchLaptop(home: person.home, server: node, token: enrolment.token, device: enrolment.device, user: enrolment.user.id)
        }
    }

    /// The server's database, opened beside the server (WAL allows it).
    func database() throws -> DatabasePool {
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        return try DatabasePool(path: data.appendingPathComponent("veldwerk.sqlite").path, configuration: configuration)
    }

    /// The current municipalities' NIS codes, read from the server's database.
    func currentMunicipalities() throws -> [String] {
        if let postgres {
            return try ScratchPostgres.psql(postgres, """
                SELECT DISTINCT value::jsonb ->> 'nis' FROM field_state
                WHERE entity = 'municipality' AND (value::jsonb ->> 'validTo') IS NULL ORDER BY 1
                """)
        }
        return try database().read { db in
            try String.fetchAll(
                db,
                sql: "SELECT DISTINCT json_extract(value, '$.nis') FROM field_state WHERE entity = 'municipality' AND json_extract(value, '$.validTo') IS NULL ORDER BY 1"
            )
        }
    }

    /// The ids of the interviews on the server.
    func interviewIDs() throws -> [String] {
        let sql = "SELECT entity_id FROM field_state WHERE entity = 'interview' AND field = 'municipality' ORDER BY 1"
        if let postgres { return try ScratchPostgres.psql(postgres, sql) }
        return try database().read { db in try String.fetchAll(db, sql: sql) }
    }

    /// `count` municipality codes, one per interviewer: the roster's current ones, then synthetic ones
    /// (NIS 90000…) added to the roster.
    func municipalities(for count: Int) throws -> [String] {
        var codes = try currentMunicipalities()
        if codes.count < count {
            let extra = (0..<(count - codes.count)).map { String(90000 + $0) }
            try addMunicipalities(extra)
            codes += extra
        }
        return codes
    }

    /// How many laptops hold other field states than the server in the scopes they read (global and
    /// their municipality), or still have changes waiting.
    func diverged(_ laptops: [BenchLaptop], municipality: [DeviceID: String]) throws -> Int {
        var count = 0
        for laptop in laptops {
            let scopes = ["global", "municipality:\(municipality[laptop.device] ?? "")"]
            if try laptop.state(scopes: scopes) != serverState(scopes) || laptop.outboxCount() != 0 { count += 1 }
        }
        return count
    }

    /// The number a counting query gives on the server's database.
    func count(_ sql: String) throws -> Int {
        if let postgres { return try ScratchPostgres.psql(postgres, sql).first.flatMap { Int($0) } ?? 0 }
        return try database().read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
    }

    /// The server's field states in `scopes` (see ``state(_:_:)``).
    func serverState(_ scopes: [String]) throws -> [String] {
        if let postgres {
            let list = scopes.map { "'\($0.replacingOccurrences(of: "'", with: "''"))'" }.joined(separator: ", ")
            return try ScratchPostgres.psql(postgres, """
                SELECT line FROM (
                    SELECT entity || '|' || entity_id || '|' || field || '|' || COALESCE(value, '') || '|' || hlc AS line FROM field_state
                    WHERE scope IN (\(list))
                ) lines ORDER BY line COLLATE "C"
                """)
        }
        return try database().read { db in try Study.state(scopes, db) }
    }

    /// Field states in the given scopes as comparable lines (value and clock).
    static func state(_ scopes: [String], _ db: Database) throws -> [String] {
        let marks = scopes.map { _ in "?" }.joined(separator: ", ")
        return try String.fetchAll(
            db, sql: "SELECT entity || '|' || entity_id || '|' || field || '|' || IFNULL(value, '') || '|' || hlc FROM field_state WHERE scope IN (\(marks)) ORDER BY 1",
            arguments: StatementArguments(scopes)
        )
    }
}

/// Valid answers to the default questionnaire, varied like real ones.
struct AnswerMaker {
    let questionnaire: Questionnaire

    init() throws { questionnaire = try XLSFormCompiler.defaultStudy() }

    /// The edits that create one interview in a municipality with every answerable question answered.
    func interview(_ id: String, nis: String, seed: Int) -> [FieldEdit] {
        let scope = Scope.municipality(nis)
        var edits = [
            FieldEdit(scope: scope, entity: .interview, entityId: id, field: "municipality", value: .string(nis)),
            FieldEdit(scope: scope, entity: .interview, entityId: id, field: "questionnaire", value: .string(questionnaire.id)),
            FieldEdit(scope: scope, entity: .interview, entityId: id, field: "questionnaireVersion", value: .string(questionnaire.version)),
            FieldEdit(scope: scope, entity: .interview, entityId: id, field: "state", value: .string("draft")),
        ]
        for (index, question) in questionnaire.questions.enumerated() {
            guard let value = answer(question, seed: seed + index) else { continue }
            edits.append(FieldEdit(scope: scope, entity: .interview, entityId: id, field: "answers.\(question.name)", value: value))
        }
        return edits
    }

    func answer(_ question: Question, seed: Int) -> JSONValue? {
        switch question.type {
        case .selectOne(let list):
            guard let choices = questionnaire.choiceLists[list], !choices.isEmpty else { return nil }
            return .string(choices[seed % choices.count].name)
        case .selectMultiple(let list):
            guard let choices = questionnaire.choiceLists[list], !choices.isEmpty else { return nil }
            return .array(Set([choices[seed % choices.count].name, choices[(seed / 3) % choices.count].name]).sorted().map(JSONValue.string))
        case .integer: return .int(Int64(1 + seed % 5))
        case .decimal: return .double(Double(seed % 40) / 4 + 0.5)
        case .text:
            let words = ["samenwerking", "met", "de", "scholen", "en", "het", "lokaal", "overleg", "kinderopvang", "brugfiguur", "budget", "taal"]
            return .string((0..<(4 + seed % 12)).map { words[($0 * 7 + seed) % words.count] }.joined(separator: " "))
        case .date: return .string(String(format: "2025-%02d-%02d", 1 + seed % 12, 1 + seed % 28))
        case .time: return .string(String(format: "%02d:%02d", 8 + seed % 10, seed % 60))
        case .dateTime: return .string(String(format: "2025-%02d-%02dT%02d:00", 1 + seed % 12, 1 + seed % 28, 8 + seed % 10))
        case .acknowledge: return .string("OK")
        case .geopoint: return .string(String(format: "51.%04d 3.%04d", seed % 10_000, (seed * 7) % 10_000))
        case .range: return .int(1)
        case .rank(let list): return .array((questionnaire.choiceLists[list] ?? []).map { .string($0.name) })
        case .metadata(.today): return .string("2025-01-31")
        case .metadata(.start), .metadata(.end): return .string("2025-01-31T10:00:00Z")
        case .metadata: return .string("bench")
        case .note, .calculate: return nil
        }
    }
}
