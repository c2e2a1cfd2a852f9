# cva.yaml is the one source of names (read here, by cva and by the local stack).

locals {
  service = "dashboard"
  cva     = yamldecode(file("${path.module}/../../../cva.yaml"))
  spec    = local.cva.services[local.service]
  env     = local.cva.environments[var.environment]
  project = coalesce(var.project, try(local.cva.project, null), "cv-analytics")

  names = {
    project     = coalesce(var.project_id, local.env.gcp.project)
    region      = coalesce(var.region, local.env.gcp.region)
    hostingSite = coalesce(var.hosting_site, try(local.env.gcp.hostingSite, null), var.project_id, local.env.gcp.project)
  }
}
