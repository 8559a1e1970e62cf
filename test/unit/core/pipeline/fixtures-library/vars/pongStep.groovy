// The other half of the cycle.
def call(Map cfg) {
    pingStep(cfg)
}
