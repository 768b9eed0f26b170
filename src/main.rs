//! `gen`: the midcall command line. All logic lives in the library.

fn main() {
    std::process::exit(midcall::cli::run(std::env::args_os()));
}
