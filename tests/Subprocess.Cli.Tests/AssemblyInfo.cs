// The CLI runs real Unix programs: a Linux suite.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
