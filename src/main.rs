fn main() {
    std::process::exit(rsqlmig::cli::main());
}
