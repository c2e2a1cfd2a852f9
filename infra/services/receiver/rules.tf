# The Firestore rules, rendered from firestore.rules.tftpl with the dashboard's readers of cva.yaml
# (environments.<env>.dashboard.readers). The local stack and the rules test render the same template the same
# way (dev.cva.local.FirestoreRulesTemplate: lower-cased, as a JSON list literal); FirestoreRulesParityTest checks
# that this file's rendering and theirs are the same text.

locals {
  dashboard_readers = [for r in try(local.env.dashboard.readers, []) : lower(trimspace(r))]

  firestore_rules = templatefile("${path.module}/firestore.rules.tftpl", {
    readers = jsonencode(local.dashboard_readers)
  })
}
