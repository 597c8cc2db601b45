/// The credit types (pricing units) every Metronome account has.
package enum CreditTypes {
    /// USD (cents): money in cents, the default credit type wherever one may be given.
    package static let usdCentsId = "2714e483-4ff1-48e4-9e25-ac732e8f24f2"
    /// The name Metronome gives it.
    package static let usdCentsName = "USD (cents)"
}
