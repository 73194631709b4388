import ArgumentParser
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reading a new password without it ever reaching the command line, the screen or a log.
enum PasswordInput {
    /// The longest password accepted from standard input (a guard against piping a file by mistake).
    static let maxBytes = 4096

    /// Reads the new password: all of standard input (minus one trailing newline) when it is not a terminal, else two
    /// prompts on the terminal with echo off, which must match.
    /// - Throws: `ValidationError` for an empty or oversized password; `ExitCode(1)` when the two entries differ or
    ///   the terminal cannot be used.
    static func readNewPassword(for account: String) throws -> String {
        let password: String
        if isatty(STDIN_FILENO) == 0 {
            password = try fromStandardInput()
        } else {
            let first = try prompt("New password for '\(account)': ")
            let second = try prompt("Repeat the password: ")
            guard first == second else {
                Console.error("The passwords do not match; nothing was changed.")
                throw ExitCode(1)
            }
            password = first
        }
        guard !password.isEmpty else { throw ValidationError("The password is empty; nothing was changed.") }
        return password
    }

    /// The current and the new password: two lines of standard input when it is piped, else a prompt for the current
    /// one and the two prompts of ``readNewPassword(for:)``.
    /// - Throws: `ValidationError` when piped input lacks either line; as ``readNewPassword(for:)``.
    static func readPasswordChange(for account: String) throws -> (current: String, new: String) {
        guard isatty(STDIN_FILENO) == 0 else {
            let current = try prompt("Current password for '\(account)': ")
            return (current, try readNewPassword(for: account))
        }
        let text = try fromStandardInput()
        guard let newline = text.firstIndex(of: "\n") else {
            throw ValidationError(
                "With --current, standard input holds the current password, a newline, then the new one."
            )
        }
        var current = String(text[..<newline])
        if current.hasSuffix("\r") { current.removeLast() }
        let new = String(text[text.index(after: newline)...])
        guard !new.isEmpty else { throw ValidationError("The new password is empty; nothing was changed.") }
        return (current, new)
    }

    /// Standard input whole, without one trailing `\n` or `\r\n`.
    static func fromStandardInput() throws -> String {
        var data = Data()
        while let chunk = try FileHandle.standardInput.read(upToCount: 4096), !chunk.isEmpty {
            data.append(chunk)
            guard data.count <= maxBytes + 2 else {
                throw ValidationError("The password on standard input is longer than \(maxBytes) bytes.")
            }
        }
        guard var text = String(data: data, encoding: .utf8) else {
            throw ValidationError("The password on standard input is not UTF-8 text.")
        }
        // "\r\n" is a single Character in Swift, so removeLast() drops either ending whole.
        if text.hasSuffix("\r\n") || text.hasSuffix("\n") { text.removeLast() }
        guard text.utf8.count <= maxBytes else {
            throw ValidationError("The password on standard input is longer than \(maxBytes) bytes.")
        }
        return text
    }

    /// Shows `message` on the controlling terminal and reads one line with echo turned off, restoring the terminal
    /// afterwards.
    static func prompt(_ message: String) throws -> String {
        let tty = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard tty >= 0 else {
            Console.error("Cannot open the terminal to ask for the password; pipe it on standard input instead.")
            throw ExitCode(1)
        }
        defer { close(tty) }
        FileHandle(fileDescriptor: tty, closeOnDealloc: false).write(Data(message.utf8))
        var saved = termios()
        let canHideEcho = tcgetattr(tty, &saved) == 0
        if canHideEcho {
            var silent = saved
            silent.c_lflag &= ~tcflag_t(ECHO)
            silent.c_lflag |= tcflag_t(ECHONL)
            Interrupted.terminal = (tty, saved)
            signal(SIGINT, Interrupted.handler)
            _ = tcsetattr(tty, TCSAFLUSH, &silent)
        }
        defer {
            if canHideEcho {
                _ = tcsetattr(tty, TCSAFLUSH, &saved)
                signal(SIGINT, SIG_DFL)
                Interrupted.terminal = nil
            }
        }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while read(tty, &byte, 1) == 1, byte != UInt8(ascii: "\n") {
            if bytes.count < maxBytes { bytes.append(byte) }
        }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Restores echo when Ctrl-C interrupts a prompt, then exits as the signal would (status 130).
    private enum Interrupted {
        /// The terminal being prompted on and its settings before echo was turned off; only touched on the main
        /// thread and by the handler that interrupts it.
        nonisolated(unsafe) static var terminal: (Int32, termios)?

        static let handler: @convention(c) (Int32) -> Void = { _ in
            if var (descriptor, settings) = Interrupted.terminal {
                _ = tcsetattr(descriptor, TCSAFLUSH, &settings)
            }
            _exit(130)
        }
    }
}
