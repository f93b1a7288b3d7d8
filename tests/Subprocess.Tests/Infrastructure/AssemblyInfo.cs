// The suite runs real Unix programs (sh, cat, openssl) and reads /proc: it is a Linux suite.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
