@interface Deploys {
  String value() default 'staging'
  int attempts() default 3
  String[] regions() default ['eu-west-1']
}
