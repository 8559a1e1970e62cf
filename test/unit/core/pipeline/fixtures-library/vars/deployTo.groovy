// A shared-library step taking its values as named arguments (a map).
def call(Map cfg) {
    withAWS(role: cfg.role, roleAccount: cfg.account, duration: cfg.seconds ?: 3600) {
        sh "aws ecs update-service --cluster ${cfg.cluster} --service web"
    }
}
