import CairnClient
import CairnWire
import Foundation

/// Human-readable renderings of the API's objects, shared by the client commands.
enum Presenters {
    static func time(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }

    static func tags(_ tags: [String: String]) -> String {
        tags.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
    }

    static func aliases(_ aliases: [AliasDTO]) -> String {
        aliases.sorted { $0.alias < $1.alias }.map { "\($0.alias)→\($0.version)" }.joined(separator: ", ")
    }

    static func model(_ model: ModelDTO) -> String {
        TableRenderer.fields([
            ("Name", model.name),
            ("ID", model.id),
            ("Description", model.description),
            ("Latest version", model.latestVersion.map(String.init) ?? "none"),
            ("Tags", tags(model.tags)),
            ("Aliases", aliases(model.aliases)),
            ("Created", "\(time(model.createdAt)) by \(model.createdBy)"),
            ("Updated", "\(time(model.updatedAt)) by \(model.updatedBy)"),
        ])
    }

    static func modelTable(_ models: [ModelDTO]) -> String {
        var table = TableRenderer(
            ["NAME", "LATEST", "ALIASES", "TAGS", "UPDATED", "DESCRIPTION"],
            alignments: [.left, .right]
        )
        for model in models {
            table.append([
                model.name, model.latestVersion.map(String.init) ?? "-", aliases(model.aliases),
                TableRenderer.truncate(tags(model.tags), to: 40), time(model.updatedAt),
                TableRenderer.truncate(model.description, to: 50),
            ])
        }
        return table.render()
    }

    static func versionTable(_ versions: [VersionDTO], aliases: [AliasDTO]) -> String {
        var table = TableRenderer(
            ["VERSION", "STATUS", "STAGE", "FILES", "SIZE", "ALIASES", "CREATED", "DESCRIPTION"],
            alignments: [.right, .left, .left, .right, .right]
        )
        for version in versions {
            let names = aliases.filter { $0.version == version.version }.map(\.alias).sorted()
            table.append([
                String(version.version), version.status, version.stage,
                version.fileCount.map(String.init) ?? "-",
                version.totalSize.map(TransferFormatting.bytes) ?? "-",
                names.joined(separator: ", "), time(version.createdAt),
                TableRenderer.truncate(version.description, to: 50),
            ])
        }
        return table.render()
    }

    static func version(_ version: VersionDTO, aliases: [AliasDTO] = []) -> String {
        var fields: [(String, String)] = [
            ("Model", version.model),
            ("Version", String(version.version)),
            ("ID", version.id),
            ("Status", version.status + (version.statusMessage.isEmpty ? "" : " (\(version.statusMessage))")),
            ("Stage", version.stage),
            ("Description", version.description),
        ]
        let names = aliases.filter { $0.version == version.version }.map(\.alias).sorted()
        if !names.isEmpty { fields.append(("Aliases", names.joined(separator: ", "))) }
        fields.append(("Tags", tags(version.tags)))
        if let source = version.source { fields.append(("Source", source)) }
        if let runID = version.runId { fields.append(("Run", runID)) }
        if let link = version.runLink { fields.append(("Run link", link)) }
        if !version.params.isEmpty { fields.append(("Params", tags(version.params))) }
        if !version.metrics.isEmpty {
            let metrics = version.metrics.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            fields.append(("Metrics", metrics.joined(separator: ", ")))
        }
        for dataset in version.datasets { fields.append(("Dataset", "\(dataset.name) \(dataset.digest)")) }
        if let count = version.fileCount, let size = version.totalSize {
            fields.append(("Files", "\(count) (\(TransferFormatting.bytes(size)))"))
        }
        if let digest = version.manifestDigest { fields.append(("Manifest", digest)) }
        fields.append(("Created", "\(time(version.createdAt)) by \(version.createdBy)"))
        fields.append(("Updated", "\(time(version.updatedAt)) by \(version.updatedBy)"))
        return TableRenderer.fields(fields)
    }

    static func files(_ files: [FileDTO]) -> String {
        var table = TableRenderer(["PATH", "SIZE", "DIGEST"], alignments: [.left, .right])
        for file in files {
            table.append([file.path, TransferFormatting.bytes(file.size), file.digest])
        }
        return table.render()
    }
}
