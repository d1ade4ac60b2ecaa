fn main() {
    println!("gpa");
}
