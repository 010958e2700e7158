//! The `tidings` command: a thin edge over [`tidings::cli`].

fn main() -> std::process::ExitCode {
    tidings::cli::main()
}
