package org.example.ci

import groovy.transform.Field
import static java.util.Collections.emptyList

class Deployer implements Serializable {
  private static final long serialVersionUID = 1L
  final static String DEFAULT_REGION = 'eu-west-1'
  def steps
  Map<String, String> accounts = [staging: '222222222222', prod: '333333333333']

  Deployer(steps) { this.steps = steps }

  static <T> T first(List<T> items) { items ? items[0] : null }

  String roleArn(String env, String role = 'deploy') {
    def account = accounts[env] ?: accounts.staging
    return "arn:aws:iam::${account}:role/${role}"
  }

  def deploy(Map config = [:], Closure body) {
    body.resolveStrategy = Closure.DELEGATE_FIRST
    body.delegate = config
    steps.withAWS(role: roleArn(config.env as String), region: config.region ?: DEFAULT_REGION) {
      body()
    }
  }

  @NonCPS
  List<String> names(List<Map> items) {
    items.findAll { it.enabled }.collect { it.name as String }.sort()
  }

  enum Stage {
    BUILD('b'), DEPLOY('d')
    final String code
    Stage(String code) { this.code = code }
  }

  static class Helper {
    static int count(int[] values) { values.sum() as int }
  }
}
