fn main() {
    let d = std::path::PathBuf::from(std::env::args().nth(1).unwrap());
    let s = duthao::store::Store::init(&d).unwrap();
    println!("{:?}", s);
}
