// Two overloads: positional values (with a default duration), and a map handed on to the first.
def call(String role, String account, int seconds = 900) {
    withAWS(role: role, roleAccount: account, duration: seconds) {
        sh 'aws sts get-caller-identity'
    }
}

def call(Map cfg) {
    call(cfg.role, cfg.account)
}
