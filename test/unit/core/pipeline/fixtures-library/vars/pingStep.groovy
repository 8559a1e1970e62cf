// Calls pongStep, which calls pingStep again: the analysis must end.
def call(Map cfg) {
    withAWS(role: cfg.role, roleAccount: '444444444444') {
        pongStep(cfg)
    }
}
