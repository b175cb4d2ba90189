//! The public services capabilities offer each other, found by type at start-up.
//!
//! A capability provides what others may use (accounts: the authenticator and the user
//! directory; items, later: "create these items") and takes what it needs. Nothing else
//! of another capability is reachable: its tables and modules stay its own.

use std::any::{Any, TypeId, type_name};
use std::collections::HashMap;

#[derive(Default)]
pub struct Services {
    by_type: HashMap<TypeId, Box<dyn Any + Send + Sync>>,
}

impl Services {
    /// Offers `service` to the capabilities wired after this one.
    pub fn provide<T: Clone + Send + Sync + 'static>(&mut self, service: T) -> anyhow::Result<()> {
        let previous = self.by_type.insert(TypeId::of::<T>(), Box::new(service));
        anyhow::ensure!(previous.is_none(), "{} is provided twice", type_name::<T>());
        Ok(())
    }

    /// The service of type `T`; an error names it when no capability wired so far
    /// provides it (list the provider first at start-up).
    pub fn get<T: Clone + Send + Sync + 'static>(&self) -> anyhow::Result<T> {
        self.by_type
            .get(&TypeId::of::<T>())
            .and_then(|service| service.downcast_ref::<T>())
            .cloned()
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "no capability wired so far provides {}: list its provider earlier at start-up",
                    type_name::<T>()
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Debug, PartialEq)]
    struct Directory(&'static str);

    #[test]
    fn a_provided_service_is_found_by_its_type_and_only_once() {
        let mut services = Services::default();
        assert!(services.get::<Directory>().is_err());
        services.provide(Directory("users")).unwrap();
        assert_eq!(services.get::<Directory>().unwrap(), Directory("users"));
        assert!(services.provide(Directory("again")).is_err());
    }
}
