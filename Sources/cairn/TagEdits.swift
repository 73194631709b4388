import ArgumentParser

/// `key=value…` to set and `--delete KEY…` to remove: the tag edits shared by `models tag` and `versions tag`.
struct TagEdits: ParsableArguments {
    @Argument(help: ArgumentHelp("Tags to set.", valueName: "key=value")) var tags: [KeyValue] = []
    @Option(name: .customLong("delete"), help: ArgumentHelp("A tag to delete (repeatable).", valueName: "key"))
    var deleteKeys: [String] = []

    func validate() throws {
        if tags.isEmpty && deleteKeys.isEmpty {
            throw ValidationError("Give tags to set (key=value) or --delete KEY.")
        }
        _ = try tags.dictionary(option: "tag")
    }

    /// Sets the tags (by key order), then deletes the keys; returns the server's last answer.
    func apply<Answer>(
        set: (String, String) async throws -> Answer,
        delete: (String) async throws -> Answer
    ) async throws -> Answer? {
        var last: Answer?
        for (key, value) in try tags.dictionary(option: "tag").sorted(by: { $0.key < $1.key }) {
            last = try await set(key, value)
        }
        for key in deleteKeys { last = try await delete(key) }
        return last
    }
}
