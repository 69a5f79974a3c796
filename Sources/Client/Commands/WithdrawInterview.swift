import ArgumentParser
import Foundation
import Shared

struct WithdrawInterview: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "withdraw",
        abstract: "Withdraw an interview (e.g. started by mistake or the respondent pulled out); its answers are kept.",
        discussion: "Example: veldwerk interview withdraw 3f9a0c2b"
    )

    @Argument(help: "Interview id (or its first characters).") var id: String
    @OptionGroup var profile: ProfileOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await reportingErrors {
            try InterviewStateChange.apply(.withdrawn, to: id, profile: profile, output: output)
        }
    }
}
