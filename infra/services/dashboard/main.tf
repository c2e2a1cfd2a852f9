# The dashboard owns its Firebase Hosting site (cva.yaml gcp.hostingSite), the service account its pipeline
# publishes with (Firebase Hosting only), an uptime check of the site with its alert, and its budget. It reads
# Firestore under the rules the receiver's root releases (infra/services/receiver/firestore.rules.tftpl, rendered
# with the dashboard's readers): the data store is the receiver's, read by name.
#
# Moving the site here from the receiver's root (an existing deployment): take it out of the receiver's state and
# import it here, so nothing is destroyed:
#   terraform -chdir=infra/services/receiver state rm google_firebase_hosting_site.dashboard
#   terraform -chdir=infra/services/dashboard import google_firebase_hosting_site.site projects/<project>/sites/<site>

locals {
  apis = toset([
    "firebase.googleapis.com",
    "firebasehosting.googleapis.com",
    "monitoring.googleapis.com",
  ])
}

resource "google_project_service" "apis" {
  for_each = var.enable_apis ? local.apis : toset([])

  project            = local.names.project
  service            = each.value
  disable_on_destroy = false
}

resource "google_firebase_hosting_site" "site" {
  project = local.names.project
  site_id = local.names.hostingSite

  depends_on = [google_project_service.apis]
}

# The identity `cva deploy dashboard` runs as in the dashboard's pipeline (Workload Identity Federation from
# GitHub Actions, secret GCP_DASHBOARD_DEPLOY_SERVICE_ACCOUNT): it may publish to Hosting, nothing else. The
# dashboard itself has no runtime identity: its readers sign in with Google, and the Firestore rules decide.
resource "google_service_account" "deploy" {
  project      = local.names.project
  account_id   = "${local.project}-dashboard-deploy"
  display_name = "Publishes the dashboard to Firebase Hosting (cva deploy dashboard)"
}

resource "google_project_iam_member" "deploy_hosting" {
  project = local.names.project
  role    = "roles/firebasehosting.admin"
  member  = "serviceAccount:${google_service_account.deploy.email}"
}
