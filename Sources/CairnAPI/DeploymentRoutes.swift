import CairnCore
import CairnHTTP
import CairnWire
import Hummingbird

/// `/api/v1/models/{name}/deployments…`: what serving hosts report after switching versions (`cairn sync`), and
/// which host serves which version. Readers of the model may do both: serving hosts hold read tokens.
enum DeploymentRoutes {
    static let endpoints: [Endpoint] = [
        Endpoint(
            method: .put,
            path: "/api/v1/models/{name}/deployments/{host}",
            operationID: "reportDeployment",
            summary: "Report that a serving host now serves a version (recorded as deployment.synced when it changed).",
            requestBody: "ReportDeploymentRequest",
            success: (200, "Deployment"),
            errors: [400, 404, 413, 415],
            rule: .requires(.read),
            handler: report
        ),
        Endpoint(
            method: .get,
            path: "/api/v1/models/{name}/deployments",
            operationID: "listDeployments",
            summary: "Which serving hosts serve which version of the model, by host, as they last reported.",
            success: (200, "DeploymentList"),
            errors: [404],
            rule: .requires(.read),
            handler: list
        ),
    ]

    static func report(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let body = try await JSONResponse.decode(ReportDeploymentRequest.self, from: request)
        let deployment = try await service.delivery.reportDeployment(
            modelName: try context.pathParameter("name"),
            host: try context.pathParameter("host"),
            number: body.version,
            reference: body.reference,
            directory: body.directory ?? "",
            actor: context.principal
        )
        return JSONResponse.make(dto(deployment))
    }

    static func list(_ request: Request, _ context: CairnRequestContext, _ service: RegistryService) async throws
        -> Response
    {
        let deployments = try await service.delivery.deployments(
            modelName: try context.pathParameter("name"),
            actor: context.principal
        )
        return JSONResponse.make(DeploymentListDTO(deployments: deployments.map(dto)))
    }

    static func dto(_ deployment: Deployment) -> DeploymentDTO {
        DeploymentDTO(
            model: deployment.modelName,
            host: deployment.host,
            version: deployment.version,
            reference: deployment.reference,
            directory: deployment.directory,
            syncedAt: deployment.syncedAt,
            reportedBy: deployment.reportedBy
        )
    }
}
