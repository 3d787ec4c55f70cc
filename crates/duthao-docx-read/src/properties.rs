//! The custom document properties (`docProps/custom.xml`), where duthao
//! records where a DOCX came from and, for a final export, its sign-off.

use crate::package::Package;
use crate::{ReadError, Rels, parse};

const CUSTOM_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties";
const VT_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes";

/// The custom properties of a DOCX as (name, value), in the order the file
/// has them. A value is the text of a scalar variant (`vt:lpwstr`,
/// `vt:i4`, `vt:bool`, `vt:filetime`, …) as written; a property without a
/// name or whose value is not a scalar (a vector, an array, binary data) is
/// left out. A package without the part gives an empty list. The file is
/// read under the same bounds as [`read`](crate::read).
pub fn custom_properties(bytes: &[u8]) -> Result<Vec<(String, String)>, ReadError> {
    let mut pkg = Package::open(bytes)?;
    let rels = Rels::of_package(&mut pkg)?;
    let main = rels.main.as_deref().unwrap_or("word/document.xml");
    if !pkg.has(main) {
        return Err(ReadError::NotDocx);
    }
    let name = rels
        .custom
        .unwrap_or_else(|| "docProps/custom.xml".to_string());
    let Some(text) = pkg.text(&name)? else {
        return Ok(Vec::new());
    };
    let doc = parse(&name, &text)?;
    let mut out = Vec::new();
    for p in doc
        .root_element()
        .children()
        .filter(|n| n.has_tag_name((CUSTOM_NS, "property")))
    {
        let Some(key) = p.attribute("name") else {
            continue;
        };
        let Some(value) = p.children().find(|n| n.is_element()) else {
            continue;
        };
        if value.tag_name().namespace() != Some(VT_NS) || value.children().any(|n| n.is_element()) {
            continue;
        }
        let text: String = value
            .children()
            .filter_map(|n| n.is_text().then(|| n.text()).flatten())
            .collect();
        out.push((key.to_string(), text));
    }
    Ok(out)
}
