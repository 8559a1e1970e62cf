import java.lang.annotation.Retention
import java.lang.annotation.RetentionPolicy

@Retention(RetentionPolicy.RUNTIME)
@interface Deploys {
  String value() default 'staging'
  int attempts() default 3
  String[] regions() default ['eu-west-1', 'us-east-1']
}
