def a = 1, b = 'x'
String s = "y"
final z = 3
int n
Map<String, List<String>> m = [:]
String[] arr = []
java.util.List<String> q = []
