/// The release both programs report with `--version`.
public enum Release {
    /// Semantic version of `veldwerk` and `veldwerk-server`, released together (laptops and server
    /// must speak the same sync protocol).
    public static let version = "0.9.0"
}
