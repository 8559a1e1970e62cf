// A step calling another step of the library with its own values.
def call(Map cfg) {
    stage("release ${cfg.cluster}") {
        deployTo(role: 'releaser', account: cfg.account, cluster: cfg.cluster)
    }
}
