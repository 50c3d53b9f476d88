#!/usr/bin/python3
"""Fills resources/i18n/redbox_es.ts with the Spanish texts below (run after
`cmake --build build --target update_translations`). A source without a
Spanish text here is reported and left unfinished, so lrelease falls back to English."""
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ES = {
    "This kiosk cannot take returns right now. Please take your disc back and return it at another kiosk.":
        "Este quiosco no puede recibir devoluciones ahora. Recoja su disco y devuélvalo en otro quiosco.",
    "New releases tonight": "Estrenos esta noche",
    "Your e-mail address, for a receipt (optional)": "Su correo electrónico, para el recibo (opcional)",
    "Type your e-mail address to get the receipt by e-mail.": "Escriba su correo electrónico para recibir el recibo.",
    "That does not look like an e-mail address: check it and try again.":
        "Eso no parece un correo electrónico: compruébelo e inténtelo de nuevo.",
    "Swipe your Redbox membership card or a credit or debit card":
        "Pase su tarjeta de socio de Redbox o una tarjeta de crédito o débito",
    "2. Swipe your membership card and enter your PIN, or swipe any credit or debit card and enter its billing ZIP code.":
        "2. Pase su tarjeta de socio e introduzca su PIN, o pase cualquier tarjeta de crédito o débito e introduzca "
        "el código postal de facturación.",
    "Next, swipe your membership card or any credit or debit card.":
        "A continuación, pase su tarjeta de socio o cualquier tarjeta de crédito o débito.",
    "Enter your billing ZIP code": "Introduzca su código postal de facturación",
    "No sign-up and no PIN: the ZIP code of this card's billing address is checked with your bank when you pay.":
        "Sin registro y sin PIN: el código postal de la dirección de facturación de esta tarjeta se comprueba con su "
        "banco al pagar.",
    "Your billing ZIP code has 5 digits.": "Su código postal de facturación tiene 5 dígitos.",
    "Cards without a Redbox membership need the network, which this kiosk cannot reach right now. "
    "Please try again in a few minutes.":
        "Las tarjetas sin membresía de Redbox necesitan la red, y este quiosco no puede conectarse ahora. "
        "Inténtelo de nuevo en unos minutos.",
    "Payment declined: %1. Nothing was charged. Please use another card.":
        "Pago rechazado: %1. No se ha cobrado nada. Use otra tarjeta.",
    "Payment declined: %1. Nothing was charged. Check your billing ZIP code and enter it again.":
        "Pago rechazado: %1. No se ha cobrado nada. Compruebe su código postal de facturación e introdúzcalo de nuevo.",
    "This card cannot be used here: use a Redbox membership card, or a credit or debit card.":
        "Esta tarjeta no sirve aquí: use una tarjeta de socio de Redbox o una tarjeta de crédito o débito.",
    "New releases tonight, from %1 a night": "Estrenos esta noche, desde %1 por noche",
    "Touch the screen to start": "Toque la pantalla para empezar",
    "We cannot check your PIN right now: this kiosk is offline and has not seen your card before. "
    "Please try again later or at another kiosk.":
        "Ahora no podemos comprobar su PIN: este quiosco está sin conexión y no ha visto su tarjeta antes. "
        "Inténtelo más tarde o en otro quiosco.",
    'Returning a disc? Touch anywhere, then "Return a DVD".': '¿Devuelve un disco? Toque la pantalla y luego "Devolver un DVD".',
    "Search titles": "Buscar títulos",
    "Return a DVD": "Devolver un DVD",
    "All": "Todo",
    "New releases": "Estrenos",
    "Rating:": "Clasificación:",
    "Any": "Todas",
    "%n title(s)": ("%n título", "%n títulos"),
    "No titles match.": "Ningún título coincide.",
    "Your cart": "Su carrito",
    "You can rent %n more disc(s) today.": ("Hoy puede alquilar %n disco más.", "Hoy puede alquilar %n discos más."),
    "You will sign in with your membership card next.": "A continuación se identificará con su tarjeta de socio.",
    "Remove": "Quitar",
    "Keep browsing": "Seguir mirando",
    "Check out": "Pagar",
    "NEW": "NUEVO",
    "Out": "Agotado",
    "Your discs are coming out": "Sus discos están saliendo",
    "Recording your rental...": "Registrando su alquiler...",
    "Dispensing...": "Entregando...",
    "Waiting": "En espera",
    "Back": "Atrás",
    "Cart (%1)": "Carrito (%1)",
    "Night": "Noche",
    "Day": "Día",
    "Help": "Ayuda",
    "How it works": "Cómo funciona",
    "1. Choose your movies and add them to your cart.": "1. Elija sus películas y añádalas al carrito.",
    "2. Swipe your membership card and enter your PIN.": "2. Pase su tarjeta de socio e introduzca su PIN.",
    "3. Pay for the first night with your bank card; take your discs.": "3. Pague la primera noche con su tarjeta bancaria y recoja sus discos.",
    "4. Return by 9 pm the next day, at any Redbox. Each extra day costs one more night.":
        "4. Devuélvalos antes de las 9 de la noche del día siguiente, en cualquier Redbox. Cada día extra cuesta una noche más.",
    "Questions? Call 1-866-733-2693.": "¿Preguntas? Llame al 1-866-733-2693.",
    "Kiosk %1": "Quiosco %1",
    "OK": "OK",
    "Swipe or tap your payment card": "Pase o acerque su tarjeta de pago",
    "%1 will be authorized for one night.": "Se autorizarán %1 por una noche.",
    "Enter your PIN": "Introduzca su PIN",
    "Card %1": "Tarjeta %1",
    "Cancel": "Cancelar",
    "Enjoy your movie!": "¡Disfrute de su película!",
    "Nothing was rented": "No se alquiló nada",
    "Receipt · kiosk %1 · %2": "Recibo · quiosco %1 · %2",
    "Due %1": "Devolver antes del %1",
    "Done": "Listo",
    "Insert your disc": "Introduzca su disco",
    "Into the return slot below the screen, label up.": "En la ranura de devolución bajo la pantalla, con la etiqueta hacia arriba.",
    "Thank you!": "¡Gracias!",
    "%n day(s) late: %1 charged to the card you paid with.":
        ("%n día de retraso: se cargan %1 a la tarjeta con la que pagó.", "%n días de retraso: se cargan %1 a la tarjeta con la que pagó."),
    "Returned on time. No extra charge.": "Devuelto a tiempo. Sin cargo adicional.",
    "This disc was rented at another kiosk. Any late days are charged to the card it was rented with; your receipt follows by e-mail.":
        "Este disco se alquiló en otro quiosco. Los días de retraso se cargan a la tarjeta con la que se alquiló; recibirá el recibo por correo electrónico.",
    "Return another": "Devolver otro",
    "Swipe your Redbox membership card": "Pase su tarjeta de socio Redbox",
    "The card reader is to the right of the screen.": "El lector de tarjetas está a la derecha de la pantalla.",
    "Working offline: rentals are saved here and sent when the network is back.":
        "Funcionando sin conexión: los alquileres se guardan aquí y se envían cuando vuelva la red.",
    "Running on one server for now.": "Funcionando con un solo servidor por ahora.",
    "Connecting...": "Conectando...",
    "Your rental": "Su alquiler",
    "Discs": "Discos",
    "Price per night": "Precio por noche",
    "Tonight (1 night each)": "Esta noche (1 noche cada uno)",
    "Tax": "Impuesto",
    "Total now": "Total ahora",
    "Return by %1. Each extra day costs one more night, up to your plan's maximum; past it the disc is yours.":
        "Devuélvalo antes del %1. Cada día extra cuesta una noche más, hasta el máximo de su plan; después, el disco es suyo.",
    "Pay %1": "Pagar %1",
    "%1 · Rated %2 · %3 · %4 min": "%1 · Clasificación %2 · %3 · %4 min",
    "%1 a night on your plan": "%1 por noche con su plan",
    "From %1 a night": "Desde %1 por noche",
    "%n disc(s) in this kiosk": ("%n disco en este quiosco", "%n discos en este quiosco"),
    "Not available here right now": "No disponible aquí ahora",
    "In your cart": "En su carrito",
    "Add to cart": "Añadir al carrito",
    "Payment declined: %1. Nothing was charged.": "Pago rechazado: %1. No se cobró nada.",
    "Take your disc (saved offline)": "Recoja su disco (guardado sin conexión)",
    "Take your disc": "Recoja su disco",
    "This disc could not be dispensed. You were not charged for it.": "Este disco no pudo entregarse. No se le cobró.",
    "%1 is already in your cart.": "%1 ya está en su carrito.",
    "%1 is not available at this kiosk right now.": "%1 no está disponible en este quiosco ahora.",
    "You can rent %n disc(s) in this visit.": ("Puede alquilar %n disco en esta visita.", "Puede alquilar %n discos en esta visita."),
    "%1 added to your cart.": "%1 añadido a su carrito.",
    "Your cart is empty.": "Su carrito está vacío.",
    "Technician cards open maintenance from the help screen.": "Las tarjetas de técnico abren el mantenimiento desde la pantalla de ayuda.",
    "This card is locked after too many wrong PINs. Try again in %n minute(s).":
        ("Esta tarjeta está bloqueada tras demasiados PIN erróneos. Inténtelo de nuevo en %n minuto.",
         "Esta tarjeta está bloqueada tras demasiados PIN erróneos. Inténtelo de nuevo en %n minutos."),
    "Checking your card...": "Comprobando su tarjeta...",
    "This account is on hold. Please contact member services.": "Esta cuenta está suspendida. Contacte con atención al socio.",
    "Your PIN has 4 digits.": "Su PIN tiene 4 dígitos.",
    "Checking your PIN...": "Comprobando su PIN...",
    "Your plan allows %n more disc(s) now; your cart was shortened.":
        ("Su plan permite %n disco más ahora; se acortó su carrito.", "Su plan permite %n discos más ahora; se acortó su carrito."),
    "Too many wrong PINs. This card is locked for %1 minutes.": "Demasiados PIN erróneos. Esta tarjeta queda bloqueada %1 minutos.",
    "Wrong PIN. %n tries left.": ("PIN erróneo. Le queda %n intento.", "PIN erróneo. Le quedan %n intentos."),
    "Swipe or tap your payment card...": "Pase o acerque su tarjeta de pago...",
    "No copy is left in this kiosk. You were not charged for it.": "No quedan copias en este quiosco. No se le cobró.",
    "You were not charged for it.": "No se le cobró.",
    "Insert the disc into the return slot, label up.": "Introduzca el disco en la ranura de devolución, con la etiqueta hacia arriba.",
    "This disc could not be read, or it is not one of ours. Please take it back.": "No se pudo leer este disco, o no es nuestro. Recójalo, por favor.",
    "Reading your disc...": "Leyendo su disco...",
    "This kiosk is full. Please return the disc at another kiosk.": "Este quiosco está lleno. Devuelva el disco en otro quiosco.",
    "Please take your disc back.": "Recoja su disco, por favor.",
    "This disc could not be read. Please take it back, wipe the label and try again.":
        "No se pudo leer este disco. Recójalo, limpie la etiqueta e inténtelo de nuevo.",
    "This card is not a Redbox membership card we know.": "Esta tarjeta no es una tarjeta de socio Redbox que conozcamos.",
    "While the kiosk is offline you can rent up to %1 discs.": "Mientras el quiosco está sin conexión puede alquilar hasta %1 discos.",
    "You have reached the number of discs your plan allows.": "Ha alcanzado el número de discos que permite su plan.",
    "That disc is not available.": "Ese disco no está disponible.",
    "This disc is not one of ours.": "Este disco no es nuestro.",
    "This disc is already in a kiosk.": "Este disco ya está en un quiosco.",
    "That could not be read. Please try again.": "No se pudo leer. Inténtelo de nuevo.",
    "The kiosk cannot reach the network right now.": "El quiosco no puede conectar con la red ahora.",
    "The kiosk could not confirm this with the network.": "El quiosco no pudo confirmarlo con la red.",
    "Something went wrong: %1": "Algo salió mal: %1",
    "There is nothing to e-mail: this screen is your receipt.": "No hay nada que enviar: esta pantalla es su recibo.",
    "The receipt cannot be e-mailed while the kiosk is offline; this screen is your receipt.":
        "El recibo no puede enviarse mientras el quiosco está sin conexión; esta pantalla es su recibo.",
    "This is not a Redbox membership card.": "Esta no es una tarjeta de socio Redbox.",
    "This membership card has expired.": "Esta tarjeta de socio ha caducado.",
    "The card could not be read. Please swipe again.": "No se pudo leer la tarjeta. Pásela de nuevo.",
    "Receipt e-mailed": "Recibo enviado",
    "E-mailing your receipt...": "Enviando su recibo...",
    "E-mail my receipt": "Enviarme el recibo",
    "Receipt not e-mailed": "Recibo no enviado",
    # Prices per format, and promo codes.
    "Blu-ray": "Blu-ray",
    "4K Ultra HD": "4K Ultra HD",
    "Game": "Videojuego",
    "%1 a night": "%1 por noche",
    "Promo %1": "Promoción %1",
    "Promo code (optional)": "Código promocional (opcional)",
    "Apply code": "Aplicar código",
    "Remove code %1": "Quitar el código %1",
    "One promo code per rental: %1 is applied already.": "Un código promocional por alquiler: %1 ya está aplicado.",
    "Type the promo code first.": "Escriba primero el código promocional.",
    "Checking the promo code...": "Comprobando el código promocional...",
    "Promo code %1 applied: %2 off one night.": "Código promocional %1 aplicado: %2 de descuento en una noche.",
    "Promo codes are checked online, and the kiosk cannot reach the network right now. You can still rent without one.":
        "Los códigos promocionales se comprueban en línea, y el quiosco no puede conectarse a la red ahora. "
        "Puede alquilar sin código.",
    "The promo code could not be checked. You can still rent without one.":
        "No se ha podido comprobar el código promocional. Puede alquilar sin código.",
    "%1 is not a promo code. Check it and try again.": "%1 no es un código promocional. Compruébelo e inténtelo de nuevo.",
    "Promo code %1 cannot be used today.": "El código promocional %1 no se puede usar hoy.",
    "This card has already used promo code %1.": "Esta tarjeta ya ha usado el código promocional %1.",
    "Too many promo codes did not work at this kiosk. Please try again in a few minutes.":
        "Demasiados códigos promocionales no han funcionado en este quiosco. Inténtelo de nuevo en unos minutos.",
    "Type the promo code as printed: 4 to 16 letters and digits.":
        "Escriba el código promocional tal como aparece: de 4 a 16 letras y cifras.",
    "DVD": "DVD",
    "%1 · %2 · Rated %3 · %4 · %5 min": "%1 · %2 · Clasificación %3 · %4 · %5 min",
    "Return by 9 pm tomorrow. Each extra day costs one more night, up to your plan's maximum; past it the disc is yours.":
        "Devuélvalo mañana antes de las 21:00. Cada día extra cuesta una noche más, hasta el máximo de su plan; "
        "pasado ese máximo, el disco es suyo.",
    "Nothing is charged now: your card is checked with a %1 hold, released when the disc is back on time.":
        "Ahora no se cobra nada: se comprueba su tarjeta con una retención de %1, que se libera si devuelve el disco a tiempo.",
    "The promo code could not be used.": "No se ha podido usar el código promocional.",
    "The promo code could not be used; your discs are rented without it.":
        "No se ha podido usar el código promocional; sus discos se alquilan sin él.",
    # Discs for sale ("previously viewed").
    "Or buy it, previously viewed: %1 plus tax, yours to keep":
        "O cómprelo, de segunda mano: %1 más impuestos, para quedárselo",
    "Buy for %1": "Comprar por %1",
    "%1 to buy": "%1 la compra",
    "Tonight (1 night each) and discs bought": "Esta noche (1 noche cada uno) y discos comprados",
    "Bought: yours to keep": "Comprado: es suyo",
    "%1 is not for sale at this kiosk.": "%1 no está a la venta en este quiosco.",
    "%1 added to your cart, to buy and keep.": "%1 añadido a su carrito, para comprarlo.",
    "You can take %n disc(s) in this visit.": ("Puede llevarse %n disco en esta visita.", "Puede llevarse %n discos en esta visita."),
    "Discs are sold online only, and the kiosk cannot reach the network right now.":
        "Los discos solo se venden en línea, y el quiosco no puede conectarse a la red ahora.",
}


def main(path: Path) -> int:
    tree = ET.parse(path)
    missing = []
    for msg in tree.iter("message"):
        src = msg.find("source").text or ""
        tr = msg.find("translation")
        es = ES.get(src)
        if es is None:
            missing.append(src)
            continue
        for child in list(tr):
            tr.remove(child)
        tr.text = None
        if "type" in tr.attrib:
            del tr.attrib["type"]
        if msg.get("numerus") == "yes":
            forms = es if isinstance(es, tuple) else (es, es)
            for f in forms:
                ET.SubElement(tr, "numerusform").text = f
        else:
            tr.text = es if isinstance(es, str) else es[0]
    tree.write(path, encoding="utf-8", xml_declaration=True)
    text = path.read_text(encoding="utf-8")
    if "<!DOCTYPE TS>" not in text:
        text = text.replace("?>\n", "?>\n<!DOCTYPE TS>\n", 1)
        path.write_text(text, encoding="utf-8")
    for m in missing:
        print(f"fill_es: no Spanish text for {m!r}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("redbox_es.ts")))
