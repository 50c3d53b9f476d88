<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_ES">
<context>
    <name>AttractScreen</name>
    <message>
        <location filename="../qml/screens/AttractScreen.qml" line="27"/>
        <source>New releases tonight, from %1 a night</source>
        <translation>Estrenos esta noche, desde %1 por noche</translation>
    </message>
    <message>
        <location filename="../qml/screens/AttractScreen.qml" line="28"/>
        <source>New releases tonight</source>
        <translation>Estrenos esta noche</translation>
    </message>
    <message>
        <location filename="../qml/screens/AttractScreen.qml" line="84"/>
        <source>Touch the screen to start</source>
        <translation>Toque la pantalla para empezar</translation>
    </message>
    <message>
        <location filename="../qml/screens/AttractScreen.qml" line="100"/>
        <source>Returning a disc? Touch anywhere, then &quot;Return a DVD&quot;.</source>
        <translation>¿Devuelve un disco? Toque la pantalla y luego &quot;Devolver un DVD&quot;.</translation>
    </message>
</context>
<context>
    <name>BrowseScreen</name>
    <message>
        <location filename="../qml/screens/BrowseScreen.qml" line="31"/>
        <source>Search titles</source>
        <translation>Buscar títulos</translation>
    </message>
    <message>
        <location filename="../qml/screens/BrowseScreen.qml" line="41"/>
        <source>Return a DVD</source>
        <translation>Devolver un DVD</translation>
    </message>
    <message>
        <location filename="../qml/screens/BrowseScreen.qml" line="57"/>
        <source>All</source>
        <translation>Todo</translation>
    </message>
    <message>
        <location filename="../qml/screens/BrowseScreen.qml" line="63"/>
        <source>New releases</source>
        <translation>Estrenos</translation>
    </message>
    <message>
        <location filename="../qml/screens/BrowseScreen.qml" line="81"/>
        <source>Rating:</source>
        <translation>Clasificación:</translation>
    </message>
    <message>
        <location filename="../qml/screens/BrowseScreen.qml" line="95"/>
        <source>Any</source>
        <translation>Todas</translation>
    </message>
    <message numerus="yes">
        <location filename="../qml/screens/BrowseScreen.qml" line="105"/>
        <source>%n title(s)</source>
        <translation>
            <numerusform>%n título</numerusform>
            <numerusform>%n títulos</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../qml/screens/BrowseScreen.qml" line="149"/>
        <source>No titles match.</source>
        <translation>Ningún título coincide.</translation>
    </message>
</context>
<context>
    <name>CartScreen</name>
    <message>
        <location filename="../qml/screens/CartScreen.qml" line="19"/>
        <source>Your cart</source>
        <translation>Su carrito</translation>
    </message>
    <message numerus="yes">
        <location filename="../qml/screens/CartScreen.qml" line="25"/>
        <source>You can rent %n more disc(s) today.</source>
        <translation>
            <numerusform>Hoy puede alquilar %n disco más.</numerusform>
            <numerusform>Hoy puede alquilar %n discos más.</numerusform>
        </translation>
    </message>
    <message>
        <source>You will sign in with your membership card next.</source>
        <translation type="vanished">A continuación se identificará con su tarjeta de socio.</translation>
    </message>
    <message>
        <location filename="../qml/screens/CartScreen.qml" line="26"/>
        <source>Next, swipe your membership card or any credit or debit card.</source>
        <translation>A continuación, pase su tarjeta de socio o cualquier tarjeta de crédito o débito.</translation>
    </message>
    <message>
        <location filename="../qml/screens/CartScreen.qml" line="56"/>
        <source>Remove</source>
        <translation>Quitar</translation>
    </message>
    <message>
        <location filename="../qml/screens/CartScreen.qml" line="64"/>
        <source>Keep browsing</source>
        <translation>Seguir mirando</translation>
    </message>
    <message>
        <location filename="../qml/screens/CartScreen.qml" line="67"/>
        <source>Check out</source>
        <translation>Pagar</translation>
    </message>
</context>
<context>
    <name>CoverArt</name>
    <message>
        <location filename="../qml/components/CoverArt.qml" line="63"/>
        <source>NEW</source>
        <translation>NUEVO</translation>
    </message>
    <message>
        <location filename="../qml/components/CoverArt.qml" line="75"/>
        <source>Out</source>
        <translation>Agotado</translation>
    </message>
</context>
<context>
    <name>DispensingScreen</name>
    <message>
        <location filename="../qml/screens/DispensingScreen.qml" line="15"/>
        <source>Your discs are coming out</source>
        <translation>Sus discos están saliendo</translation>
    </message>
    <message>
        <location filename="../qml/screens/DispensingScreen.qml" line="54"/>
        <source>Recording your rental...</source>
        <translation>Registrando su alquiler...</translation>
    </message>
    <message>
        <location filename="../qml/screens/DispensingScreen.qml" line="55"/>
        <source>Dispensing...</source>
        <translation>Entregando...</translation>
    </message>
    <message>
        <location filename="../qml/screens/DispensingScreen.qml" line="55"/>
        <source>Waiting</source>
        <translation>En espera</translation>
    </message>
</context>
<context>
    <name>HardwarePage</name>
    <message>
        <location filename="../qml/maintenance/HardwarePage.qml" line="15"/>
        <source>Dispenser self-test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qml/maintenance/HardwarePage.qml" line="18"/>
        <source>Clear jam and retry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qml/maintenance/HardwarePage.qml" line="18"/>
        <source>Clear jam</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qml/maintenance/HardwarePage.qml" line="23"/>
        <source>Test card reader</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qml/maintenance/HardwarePage.qml" line="24"/>
        <source>Test barcode reader</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Header</name>
    <message>
        <location filename="../qml/components/Header.qml" line="18"/>
        <source>Back</source>
        <translation>Atrás</translation>
    </message>
    <message>
        <location filename="../qml/components/Header.qml" line="35"/>
        <source>Cart (%1)</source>
        <translation>Carrito (%1)</translation>
    </message>
    <message>
        <location filename="../qml/components/Header.qml" line="50"/>
        <source>Night</source>
        <translation>Noche</translation>
    </message>
    <message>
        <location filename="../qml/components/Header.qml" line="50"/>
        <source>Day</source>
        <translation>Día</translation>
    </message>
    <message>
        <location filename="../qml/components/Header.qml" line="57"/>
        <source>Help</source>
        <translation>Ayuda</translation>
    </message>
</context>
<context>
    <name>HealthPage</name>
    <message>
        <location filename="../qml/maintenance/HealthPage.qml" line="43"/>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/HealthPage.qml" line="43"/>
        <source>Attention</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qml/maintenance/HealthPage.qml" line="43"/>
        <source>Problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qml/maintenance/HealthPage.qml" line="60"/>
        <source>Check again</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HelpScreen</name>
    <message>
        <location filename="../qml/screens/HelpScreen.qml" line="21"/>
        <source>How it works</source>
        <translation>Cómo funciona</translation>
    </message>
    <message>
        <location filename="../qml/screens/HelpScreen.qml" line="23"/>
        <source>1. Choose your movies and add them to your cart.</source>
        <translation>1. Elija sus películas y añádalas al carrito.</translation>
    </message>
    <message>
        <source>2. Swipe your membership card and enter your PIN.</source>
        <translation type="vanished">2. Pase su tarjeta de socio e introduzca su PIN.</translation>
    </message>
    <message>
        <location filename="../qml/screens/HelpScreen.qml" line="24"/>
        <source>2. Swipe your membership card and enter your PIN, or swipe any credit or debit card and enter its billing ZIP code.</source>
        <translation>2. Pase su tarjeta de socio e introduzca su PIN, o pase cualquier tarjeta de crédito o débito e introduzca el código postal de facturación.</translation>
    </message>
    <message>
        <location filename="../qml/screens/HelpScreen.qml" line="25"/>
        <source>3. Pay for the first night with your bank card; take your discs.</source>
        <translation>3. Pague la primera noche con su tarjeta bancaria y recoja sus discos.</translation>
    </message>
    <message>
        <location filename="../qml/screens/HelpScreen.qml" line="26"/>
        <source>4. Return by 9 pm the next day, at any Redbox. Each extra day costs one more night.</source>
        <translation>4. Devuélvalos antes de las 9 de la noche del día siguiente, en cualquier Redbox. Cada día extra cuesta una noche más.</translation>
    </message>
    <message>
        <location filename="../qml/screens/HelpScreen.qml" line="27"/>
        <source>Questions? Call 1-866-733-2693.</source>
        <translation>¿Preguntas? Llame al 1-866-733-2693.</translation>
    </message>
    <message>
        <location filename="../qml/screens/HelpScreen.qml" line="39"/>
        <source>Kiosk %1</source>
        <translation>Quiosco %1</translation>
    </message>
</context>
<context>
    <name>Keypad</name>
    <message>
        <location filename="../qml/components/Keypad.qml" line="44"/>
        <source>OK</source>
        <translation>OK</translation>
    </message>
</context>
<context>
    <name>MaintenanceScreen</name>
    <message>
        <location filename="../qml/maintenance/MaintenanceScreen.qml" line="22"/>
        <source>Maintenance: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceScreen.qml" line="23"/>
        <source>Maintenance sign-in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceScreen.qml" line="31"/>
        <source>Kiosk %1</source>
        <translation>Quiosco %1</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceScreen.qml" line="37"/>
        <source>Sign out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceScreen.qml" line="37"/>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceScreen.qml" line="48"/>
        <source>Health</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceScreen.qml" line="49"/>
        <source>Slots</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceScreen.qml" line="50"/>
        <source>Hardware</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceScreen.qml" line="51"/>
        <source>Repair</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceScreen.qml" line="106"/>
        <source>Working...</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MaintenanceSignIn</name>
    <message>
        <location filename="../qml/maintenance/MaintenanceSignIn.qml" line="13"/>
        <source>Locked until %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceSignIn.qml" line="15"/>
        <source>Enter your technician PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceSignIn.qml" line="15"/>
        <source>Swipe your technician card</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceSignIn.qml" line="49"/>
        <source>%1 attempt(s) left before the sign-in locks for 15 minutes.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>OutOfOrderScreen</name>
    <message>
        <location filename="../qml/screens/OutOfOrderScreen.qml" line="17"/>
        <source>Sorry, this kiosk is out of order</source>
        <translation>Lo sentimos, este quiosco está fuera de servicio</translation>
    </message>
    <message>
        <location filename="../qml/screens/OutOfOrderScreen.qml" line="28"/>
        <source>Rentals are not available right now. You can still return a disc here.</source>
        <translation>Los alquileres no están disponibles ahora. Puede devolver un disco aquí.</translation>
    </message>
    <message>
        <location filename="../qml/screens/OutOfOrderScreen.qml" line="30"/>
        <source>Returns are not taken right now. Please return your disc at another kiosk.</source>
        <translation>Ahora no se aceptan devoluciones. Devuelva su disco en otro quiosco.</translation>
    </message>
    <message>
        <location filename="../qml/screens/OutOfOrderScreen.qml" line="31"/>
        <source>Rentals and returns are not available right now. Please use another kiosk.</source>
        <translation>Los alquileres y las devoluciones no están disponibles ahora. Use otro quiosco.</translation>
    </message>
    <message>
        <location filename="../qml/screens/OutOfOrderScreen.qml" line="45"/>
        <source>Return a disc</source>
        <translation>Devolver un disco</translation>
    </message>
    <message>
        <location filename="../qml/screens/OutOfOrderScreen.qml" line="51"/>
        <source>Rent a disc</source>
        <translation>Alquilar un disco</translation>
    </message>
    <message>
        <location filename="../qml/screens/OutOfOrderScreen.qml" line="54"/>
        <source>Help</source>
        <translation>Ayuda</translation>
    </message>
</context>
<context>
    <name>PayingScreen</name>
    <message>
        <location filename="../qml/screens/PayingScreen.qml" line="14"/>
        <source>Swipe or tap your payment card</source>
        <translation>Pase o acerque su tarjeta de pago</translation>
    </message>
    <message>
        <location filename="../qml/screens/PayingScreen.qml" line="23"/>
        <source>%1 will be authorized for one night.</source>
        <translation>Se autorizarán %1 por una noche.</translation>
    </message>
</context>
<context>
    <name>PinScreen</name>
    <message>
        <location filename="../qml/screens/PinScreen.qml" line="22"/>
        <source>Enter your PIN</source>
        <translation>Introduzca su PIN</translation>
    </message>
    <message>
        <location filename="../qml/screens/PinScreen.qml" line="22"/>
        <source>Enter your billing ZIP code</source>
        <translation>Introduzca su código postal de facturación</translation>
    </message>
    <message>
        <location filename="../qml/screens/PinScreen.qml" line="34"/>
        <source>No sign-up and no PIN: the ZIP code of this card&apos;s billing address is checked with your bank when you pay.</source>
        <translation>Sin registro y sin PIN: el código postal de la dirección de facturación de esta tarjeta se comprueba con su banco al pagar.</translation>
    </message>
    <message>
        <location filename="../qml/screens/PinScreen.qml" line="44"/>
        <source>Card %1</source>
        <translation>Tarjeta %1</translation>
    </message>
    <message>
        <location filename="../qml/screens/PinScreen.qml" line="75"/>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
</context>
<context>
    <name>ReceiptScreen</name>
    <message>
        <location filename="../qml/screens/ReceiptScreen.qml" line="15"/>
        <source>Enjoy your movie!</source>
        <translation>¡Disfrute de su película!</translation>
    </message>
    <message>
        <location filename="../qml/screens/ReceiptScreen.qml" line="15"/>
        <source>Nothing was rented</source>
        <translation>No se alquiló nada</translation>
    </message>
    <message>
        <location filename="../qml/screens/ReceiptScreen.qml" line="21"/>
        <source>Receipt · kiosk %1 · %2</source>
        <translation>Recibo · quiosco %1 · %2</translation>
    </message>
    <message>
        <location filename="../qml/screens/ReceiptScreen.qml" line="48"/>
        <source>Bought: yours to keep</source>
        <translation>Comprado: es suyo</translation>
    </message>
    <message>
        <location filename="../qml/screens/ReceiptScreen.qml" line="49"/>
        <source>Due %1</source>
        <translation>Devolver antes del %1</translation>
    </message>
    <message>
        <location filename="../qml/screens/ReceiptScreen.qml" line="74"/>
        <source>Your e-mail address, for a receipt (optional)</source>
        <translation>Su correo electrónico, para el recibo (opcional)</translation>
    </message>
    <message>
        <location filename="../qml/screens/ReceiptScreen.qml" line="87"/>
        <source>Receipt e-mailed</source>
        <translation>Recibo enviado</translation>
    </message>
    <message>
        <location filename="../qml/screens/ReceiptScreen.qml" line="88"/>
        <source>E-mailing your receipt...</source>
        <translation>Enviando su recibo...</translation>
    </message>
    <message>
        <location filename="../qml/screens/ReceiptScreen.qml" line="89"/>
        <source>E-mail my receipt</source>
        <translation>Enviarme el recibo</translation>
    </message>
    <message>
        <location filename="../qml/screens/ReceiptScreen.qml" line="89"/>
        <source>Receipt not e-mailed</source>
        <translation>Recibo no enviado</translation>
    </message>
    <message>
        <location filename="../qml/screens/ReceiptScreen.qml" line="95"/>
        <source>Done</source>
        <translation>Listo</translation>
    </message>
</context>
<context>
    <name>RepairPage</name>
    <message>
        <location filename="../qml/maintenance/RepairPage.qml" line="11"/>
        <source>Rebuild the cache (full resync)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qml/maintenance/RepairPage.qml" line="20"/>
        <source>Retry parked hops</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qml/maintenance/RepairPage.qml" line="21"/>
        <source>Fail the red box over to its standby</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qml/maintenance/RepairPage.qml" line="22"/>
        <source>Bring the old primary back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qml/maintenance/RepairPage.qml" line="23"/>
        <source>Export diagnostics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qml/maintenance/RepairPage.qml" line="27"/>
        <source>Last bundle: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReturnInsertScreen</name>
    <message>
        <location filename="../qml/screens/ReturnInsertScreen.qml" line="21"/>
        <source>Insert your disc</source>
        <translation>Introduzca su disco</translation>
    </message>
    <message>
        <location filename="../qml/screens/ReturnInsertScreen.qml" line="43"/>
        <source>Into the return slot below the screen, label up.</source>
        <translation>En la ranura de devolución bajo la pantalla, con la etiqueta hacia arriba.</translation>
    </message>
    <message>
        <location filename="../qml/screens/ReturnInsertScreen.qml" line="50"/>
        <source>Done</source>
        <translation>Listo</translation>
    </message>
</context>
<context>
    <name>ReturnResultScreen</name>
    <message>
        <location filename="../qml/screens/ReturnResultScreen.qml" line="14"/>
        <source>Thank you!</source>
        <translation>¡Gracias!</translation>
    </message>
    <message numerus="yes">
        <location filename="../qml/screens/ReturnResultScreen.qml" line="28"/>
        <source>%n day(s) late: %1 charged to the card you paid with.</source>
        <translation>
            <numerusform>%n día de retraso: se cargan %1 a la tarjeta con la que pagó.</numerusform>
            <numerusform>%n días de retraso: se cargan %1 a la tarjeta con la que pagó.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../qml/screens/ReturnResultScreen.qml" line="29"/>
        <source>Returned on time. No extra charge.</source>
        <translation>Devuelto a tiempo. Sin cargo adicional.</translation>
    </message>
    <message>
        <location filename="../qml/screens/ReturnResultScreen.qml" line="38"/>
        <source>This disc was rented at another kiosk. Any late days are charged to the card it was rented with; your receipt follows by e-mail.</source>
        <translation>Este disco se alquiló en otro quiosco. Los días de retraso se cargan a la tarjeta con la que se alquiló; recibirá el recibo por correo electrónico.</translation>
    </message>
    <message>
        <location filename="../qml/screens/ReturnResultScreen.qml" line="49"/>
        <source>Return another</source>
        <translation>Devolver otro</translation>
    </message>
    <message>
        <location filename="../qml/screens/ReturnResultScreen.qml" line="50"/>
        <source>Done</source>
        <translation>Listo</translation>
    </message>
</context>
<context>
    <name>SignInScreen</name>
    <message>
        <source>Swipe your Redbox membership card</source>
        <translation type="vanished">Pase su tarjeta de socio Redbox</translation>
    </message>
    <message>
        <location filename="../qml/screens/SignInScreen.qml" line="22"/>
        <source>Swipe your Redbox membership card or a credit or debit card</source>
        <translation>Pase su tarjeta de socio de Redbox o una tarjeta de crédito o débito</translation>
    </message>
    <message>
        <location filename="../qml/screens/SignInScreen.qml" line="53"/>
        <source>The card reader is to the right of the screen.</source>
        <translation>El lector de tarjetas está a la derecha de la pantalla.</translation>
    </message>
    <message>
        <location filename="../qml/screens/SignInScreen.qml" line="60"/>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
</context>
<context>
    <name>SlotsPage</name>
    <message>
        <location filename="../qml/maintenance/SlotsPage.qml" line="16"/>
        <source>%1 slots, %2 filled, %3 rented out, %4 to remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qml/maintenance/SlotsPage.qml" line="62"/>
        <source>To remove:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qml/maintenance/SlotsPage.qml" line="78"/>
        <source>slot %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qml/maintenance/SlotsPage.qml" line="78"/>
        <source>rented out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qml/maintenance/SlotsPage.qml" line="90"/>
        <source>Disc barcode (D + 12 digits)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qml/maintenance/SlotsPage.qml" line="100"/>
        <source>Slot (empty: kiosk picks)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qml/maintenance/SlotsPage.qml" line="112"/>
        <source>Stop loading (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qml/maintenance/SlotsPage.qml" line="112"/>
        <source>Load discs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qml/maintenance/SlotsPage.qml" line="118"/>
        <source>Record as placed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qml/maintenance/SlotsPage.qml" line="121"/>
        <source>Unload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qml/maintenance/SlotsPage.qml" line="122"/>
        <source>Checked: good</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qml/maintenance/SlotsPage.qml" line="123"/>
        <source>Damaged</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StatusBanner</name>
    <message>
        <location filename="../qml/components/StatusBanner.qml" line="18"/>
        <source>Working offline: rentals are saved here and sent when the network is back.</source>
        <translation>Funcionando sin conexión: los alquileres se guardan aquí y se envían cuando vuelva la red.</translation>
    </message>
    <message>
        <location filename="../qml/components/StatusBanner.qml" line="20"/>
        <source>Running on one server for now.</source>
        <translation>Funcionando con un solo servidor por ahora.</translation>
    </message>
    <message>
        <location filename="../qml/components/StatusBanner.qml" line="21"/>
        <source>Connecting...</source>
        <translation>Conectando...</translation>
    </message>
</context>
<context>
    <name>SummaryScreen</name>
    <message>
        <location filename="../qml/screens/SummaryScreen.qml" line="21"/>
        <source>Your rental</source>
        <translation>Su alquiler</translation>
    </message>
    <message>
        <location filename="../qml/screens/SummaryScreen.qml" line="38"/>
        <source>%1 to buy</source>
        <translation>%1 la compra</translation>
    </message>
    <message>
        <location filename="../qml/screens/SummaryScreen.qml" line="39"/>
        <source>%1 a night</source>
        <translation>%1 por noche</translation>
    </message>
    <message>
        <location filename="../qml/screens/SummaryScreen.qml" line="50"/>
        <source>Discs</source>
        <translation>Discos</translation>
    </message>
    <message>
        <source>Price per night</source>
        <translation type="vanished">Precio por noche</translation>
    </message>
    <message>
        <location filename="../qml/screens/SummaryScreen.qml" line="53"/>
        <source>Tonight (1 night each)</source>
        <translation>Esta noche (1 noche cada uno)</translation>
    </message>
    <message>
        <location filename="../qml/screens/SummaryScreen.qml" line="53"/>
        <source>Tonight (1 night each) and discs bought</source>
        <translation>Esta noche (1 noche cada uno) y discos comprados</translation>
    </message>
    <message>
        <location filename="../qml/screens/SummaryScreen.qml" line="60"/>
        <source>Promo %1</source>
        <translation>Promoción %1</translation>
    </message>
    <message>
        <location filename="../qml/screens/SummaryScreen.qml" line="71"/>
        <source>Tax</source>
        <translation>Impuesto</translation>
    </message>
    <message>
        <location filename="../qml/screens/SummaryScreen.qml" line="73"/>
        <source>Total now</source>
        <translation>Total ahora</translation>
    </message>
    <message>
        <location filename="../qml/screens/SummaryScreen.qml" line="79"/>
        <source>Return by %1. Each extra day costs one more night, up to your plan&apos;s maximum; past it the disc is yours.</source>
        <translation>Devuélvalo antes del %1. Cada día extra cuesta una noche más, hasta el máximo de su plan; después, el disco es suyo.</translation>
    </message>
    <message>
        <location filename="../qml/screens/SummaryScreen.qml" line="89"/>
        <source>Nothing is charged now: your card is checked with a %1 hold, released when the disc is back on time.</source>
        <translation>Ahora no se cobra nada: se comprueba su tarjeta con una retención de %1, que se libera si devuelve el disco a tiempo.</translation>
    </message>
    <message>
        <location filename="../qml/screens/SummaryScreen.qml" line="109"/>
        <source>Promo code (optional)</source>
        <translation>Código promocional (opcional)</translation>
    </message>
    <message>
        <location filename="../qml/screens/SummaryScreen.qml" line="118"/>
        <source>Apply code</source>
        <translation>Aplicar código</translation>
    </message>
    <message>
        <location filename="../qml/screens/SummaryScreen.qml" line="118"/>
        <source>Remove code %1</source>
        <translation>Quitar el código %1</translation>
    </message>
    <message>
        <source>Return by 9 pm tomorrow. Each extra day costs one more night, up to your plan&apos;s maximum; past it the disc is yours.</source>
        <translation type="vanished">Devuélvalo mañana antes de las 21:00. Cada día extra cuesta una noche más, hasta el máximo de su plan; pasado ese máximo, el disco es suyo.</translation>
    </message>
    <message>
        <location filename="../qml/screens/SummaryScreen.qml" line="128"/>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <location filename="../qml/screens/SummaryScreen.qml" line="131"/>
        <source>Pay %1</source>
        <translation>Pagar %1</translation>
    </message>
</context>
<context>
    <name>TitleScreen</name>
    <message>
        <source>%1 · Rated %2 · %3 · %4 min</source>
        <translation type="vanished">%1 · Clasificación %2 · %3 · %4 min</translation>
    </message>
    <message>
        <location filename="../qml/screens/TitleScreen.qml" line="48"/>
        <source>%1 · %2 · Rated %3 · %4 · %5 min</source>
        <translation>%1 · %2 · Clasificación %3 · %4 · %5 min</translation>
    </message>
    <message>
        <location filename="../qml/screens/TitleScreen.qml" line="59"/>
        <source>%1 a night on your plan</source>
        <translation>%1 por noche con su plan</translation>
    </message>
    <message>
        <location filename="../qml/screens/TitleScreen.qml" line="60"/>
        <source>From %1 a night</source>
        <translation>Desde %1 por noche</translation>
    </message>
    <message>
        <location filename="../qml/screens/TitleScreen.qml" line="70"/>
        <source>Or buy it, previously viewed: %1 plus tax, yours to keep</source>
        <translation>O cómprelo, de segunda mano: %1 más impuestos, para quedárselo</translation>
    </message>
    <message numerus="yes">
        <location filename="../qml/screens/TitleScreen.qml" line="77"/>
        <source>%n disc(s) in this kiosk</source>
        <translation>
            <numerusform>%n disco en este quiosco</numerusform>
            <numerusform>%n discos en este quiosco</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../qml/screens/TitleScreen.qml" line="77"/>
        <source>Not available here right now</source>
        <translation>No disponible aquí ahora</translation>
    </message>
    <message>
        <location filename="../qml/screens/TitleScreen.qml" line="99"/>
        <source>In your cart</source>
        <translation>En su carrito</translation>
    </message>
    <message>
        <location filename="../qml/screens/TitleScreen.qml" line="99"/>
        <source>Add to cart</source>
        <translation>Añadir al carrito</translation>
    </message>
    <message>
        <location filename="../qml/screens/TitleScreen.qml" line="108"/>
        <source>Buy for %1</source>
        <translation>Comprar por %1</translation>
    </message>
    <message>
        <location filename="../qml/screens/TitleScreen.qml" line="115"/>
        <source>Check out</source>
        <translation>Pagar</translation>
    </message>
</context>
<context>
    <name>redbox::KioskController</name>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_checkout.cpp" line="48"/>
        <source>Payment declined: %1. Nothing was charged.</source>
        <translation>Pago rechazado: %1. No se cobró nada.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_checkout.cpp" line="73"/>
        <source>Take your disc (saved offline)</source>
        <translation>Recoja su disco (guardado sin conexión)</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_checkout.cpp" line="73"/>
        <source>Take your disc</source>
        <translation>Recoja su disco</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_checkout.cpp" line="98"/>
        <source>This disc could not be dispensed. You were not charged for it.</source>
        <translation>Este disco no pudo entregarse. No se le cobró.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller.cpp" line="243"/>
        <source>%1 is already in your cart.</source>
        <translation>%1 ya está en su carrito.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller.cpp" line="247"/>
        <source>%1 is not for sale at this kiosk.</source>
        <translation>%1 no está a la venta en este quiosco.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller.cpp" line="251"/>
        <source>%1 is not available at this kiosk right now.</source>
        <translation>%1 no está disponible en este quiosco ahora.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../kiosk/controllers/kioskcontroller.cpp" line="256"/>
        <source>You can rent %n disc(s) in this visit.</source>
        <translation>
            <numerusform>Puede alquilar %n disco en esta visita.</numerusform>
            <numerusform>Puede alquilar %n discos en esta visita.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../kiosk/controllers/kioskcontroller.cpp" line="260"/>
        <source>You can take %n disc(s) in this visit.</source>
        <translation>
            <numerusform>Puede llevarse %n disco en esta visita.</numerusform>
            <numerusform>Puede llevarse %n discos en esta visita.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller.cpp" line="276"/>
        <source>%1 added to your cart.</source>
        <translation>%1 añadido a su carrito.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller.cpp" line="289"/>
        <source>%1 added to your cart, to buy and keep.</source>
        <translation>%1 añadido a su carrito, para comprarlo.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller.cpp" line="315"/>
        <source>Your cart is empty.</source>
        <translation>Su carrito está vacío.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_signin.cpp" line="29"/>
        <source>Technician cards open maintenance from the help screen.</source>
        <translation>Las tarjetas de técnico abren el mantenimiento desde la pantalla de ayuda.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../kiosk/controllers/kioskcontroller_signin.cpp" line="195"/>
        <source>This card is locked after too many wrong PINs. Try again in %n minute(s).</source>
        <translation>
            <numerusform>Esta tarjeta está bloqueada tras demasiados PIN erróneos. Inténtelo de nuevo en %n minuto.</numerusform>
            <numerusform>Esta tarjeta está bloqueada tras demasiados PIN erróneos. Inténtelo de nuevo en %n minutos.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_signin.cpp" line="35"/>
        <location filename="../../kiosk/controllers/kioskcontroller_signin.cpp" line="129"/>
        <source>Checking your card...</source>
        <translation>Comprobando su tarjeta...</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller.cpp" line="416"/>
        <location filename="../../kiosk/controllers/kioskcontroller_signin.cpp" line="64"/>
        <source>This account is on hold. Please contact member services.</source>
        <translation>Esta cuenta está suspendida. Contacte con atención al socio.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_signin.cpp" line="109"/>
        <source>Your PIN has 4 digits.</source>
        <translation>Su PIN tiene 4 dígitos.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_signin.cpp" line="115"/>
        <source>Checking your PIN...</source>
        <translation>Comprobando su PIN...</translation>
    </message>
    <message numerus="yes">
        <location filename="../../kiosk/controllers/kioskcontroller_signin.cpp" line="168"/>
        <source>Your plan allows %n more disc(s) now; your cart was shortened.</source>
        <translation>
            <numerusform>Su plan permite %n disco más ahora; se acortó su carrito.</numerusform>
            <numerusform>Su plan permite %n discos más ahora; se acortó su carrito.</numerusform>
        </translation>
    </message>
    <message>
        <source>Too many wrong PINs. This card is locked for %1 minutes.</source>
        <translation type="vanished">Demasiados PIN erróneos. Esta tarjeta queda bloqueada %1 minutos.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_checkout.cpp" line="38"/>
        <source>Payment declined: %1. Nothing was charged. Please use another card.</source>
        <translation>Pago rechazado: %1. No se ha cobrado nada. Use otra tarjeta.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_checkout.cpp" line="44"/>
        <source>Payment declined: %1. Nothing was charged. Check your billing ZIP code and enter it again.</source>
        <translation>Pago rechazado: %1. No se ha cobrado nada. Compruebe su código postal de facturación e introdúzcalo de nuevo.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_signin.cpp" line="57"/>
        <location filename="../../kiosk/controllers/kioskcontroller_signin.cpp" line="135"/>
        <source>Cards without a Redbox membership need the network, which this kiosk cannot reach right now. Please try again in a few minutes.</source>
        <translation>Las tarjetas sin membresía de Redbox necesitan la red, y este quiosco no puede conectarse ahora. Inténtelo de nuevo en unos minutos.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_signin.cpp" line="123"/>
        <source>Your billing ZIP code has 5 digits.</source>
        <translation>Su código postal de facturación tiene 5 dígitos.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../kiosk/controllers/kioskcontroller_signin.cpp" line="174"/>
        <source>Wrong PIN. %n tries left.</source>
        <translation>
            <numerusform>PIN erróneo. Le queda %n intento.</numerusform>
            <numerusform>PIN erróneo. Le quedan %n intentos.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_signin.cpp" line="184"/>
        <source>We cannot check your PIN right now: this kiosk is offline and has not seen your card before. Please try again later or at another kiosk.</source>
        <translation>Ahora no podemos comprobar su PIN: este quiosco está sin conexión y no ha visto su tarjeta antes. Inténtelo más tarde o en otro quiosco.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_checkout.cpp" line="146"/>
        <source>Swipe or tap your payment card...</source>
        <translation>Pase o acerque su tarjeta de pago...</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_checkout.cpp" line="158"/>
        <source>One promo code per rental: %1 is applied already.</source>
        <translation>Un código promocional por alquiler: %1 ya está aplicado.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_checkout.cpp" line="162"/>
        <source>Type the promo code first.</source>
        <translation>Escriba primero el código promocional.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_checkout.cpp" line="167"/>
        <source>Checking the promo code...</source>
        <translation>Comprobando el código promocional...</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_checkout.cpp" line="185"/>
        <source>Promo code %1 applied: %2 off one night.</source>
        <translation>Código promocional %1 aplicado: %2 de descuento en una noche.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_checkout.cpp" line="188"/>
        <source>Promo codes are checked online, and the kiosk cannot reach the network right now. You can still rent without one.</source>
        <translation>Los códigos promocionales se comprueban en línea, y el quiosco no puede conectarse a la red ahora. Puede alquilar sin código.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_checkout.cpp" line="192"/>
        <source>The promo code could not be checked. You can still rent without one.</source>
        <translation>No se ha podido comprobar el código promocional. Puede alquilar sin código.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_checkout.cpp" line="200"/>
        <source>%1 is not a promo code. Check it and try again.</source>
        <translation>%1 no es un código promocional. Compruébelo e inténtelo de nuevo.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_checkout.cpp" line="202"/>
        <source>Promo code %1 cannot be used today.</source>
        <translation>El código promocional %1 no se puede usar hoy.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_checkout.cpp" line="204"/>
        <source>This card has already used promo code %1.</source>
        <translation>Esta tarjeta ya ha usado el código promocional %1.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_checkout.cpp" line="206"/>
        <source>Too many promo codes did not work at this kiosk. Please try again in a few minutes.</source>
        <translation>Demasiados códigos promocionales no han funcionado en este quiosco. Inténtelo de nuevo en unos minutos.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_checkout.cpp" line="207"/>
        <source>Type the promo code as printed: 4 to 16 letters and digits.</source>
        <translation>Escriba el código promocional tal como aparece: de 4 a 16 letras y cifras.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_checkout.cpp" line="251"/>
        <source>No copy is left in this kiosk. You were not charged for it.</source>
        <translation>No quedan copias en este quiosco. No se le cobró.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_checkout.cpp" line="280"/>
        <source>The promo code could not be used; your discs are rented without it.</source>
        <translation>No se ha podido usar el código promocional; sus discos se alquilan sin él.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_checkout.cpp" line="290"/>
        <source>You were not charged for it.</source>
        <translation>No se le cobró.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_checkout.cpp" line="348"/>
        <source>Type your e-mail address to get the receipt by e-mail.</source>
        <translation>Escriba su correo electrónico para recibir el recibo.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_checkout.cpp" line="349"/>
        <source>That does not look like an e-mail address: check it and try again.</source>
        <translation>Eso no parece un correo electrónico: compruébelo e inténtelo de nuevo.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_returns.cpp" line="25"/>
        <source>Insert the disc into the return slot, label up.</source>
        <translation>Introduzca el disco en la ranura de devolución, con la etiqueta hacia arriba.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_returns.cpp" line="41"/>
        <source>This disc could not be read, or it is not one of ours. Please take it back.</source>
        <translation>No se pudo leer este disco, o no es nuestro. Recójalo, por favor.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_returns.cpp" line="47"/>
        <source>Taking your disc in...</source>
        <translation>Recogiendo su disco...</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_returns.cpp" line="67"/>
        <source>This kiosk cannot take returns right now. Please take your disc back and return it at another kiosk.</source>
        <translation>Este quiosco no puede recibir devoluciones ahora. Recoja su disco y devuélvalo en otro quiosco.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_returns.cpp" line="113"/>
        <source>The kiosk could not take your disc in, so it is not returned yet. Please take it back and try again, or return it at another kiosk.</source>
        <translation>El quiosco no pudo recoger su disco, así que aún no está devuelto. Retírelo e inténtelo de nuevo, o devuélvalo en otro quiosco.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_returns.cpp" line="122"/>
        <source>Giving your disc back...</source>
        <translation>Devolviéndole su disco...</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_returns.cpp" line="132"/>
        <source>Please take your disc from the door.</source>
        <translation>Retire su disco de la puerta.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_returns.cpp" line="138"/>
        <source>The kiosk could not give your disc back: it is kept safe inside for a technician.</source>
        <translation>El quiosco no pudo devolverle el disco: queda guardado dentro para un técnico.</translation>
    </message>
    <message>
        <source>Reading your disc...</source>
        <translation type="vanished">Leyendo su disco...</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_returns.cpp" line="52"/>
        <source>This kiosk is full. Please return the disc at another kiosk.</source>
        <translation>Este quiosco está lleno. Devuelva el disco en otro quiosco.</translation>
    </message>
    <message>
        <source>Please take your disc back.</source>
        <translation type="vanished">Recoja su disco, por favor.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_returns.cpp" line="150"/>
        <source>This disc could not be read. Please take it back, wipe the label and try again.</source>
        <translation>No se pudo leer este disco. Recójalo, limpie la etiqueta e inténtelo de nuevo.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_checkout.cpp" line="357"/>
        <source>There is nothing to e-mail: this screen is your receipt.</source>
        <translation>No hay nada que enviar: esta pantalla es su recibo.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller_checkout.cpp" line="373"/>
        <source>The receipt cannot be e-mailed while the kiosk is offline; this screen is your receipt.</source>
        <translation>El recibo no puede enviarse mientras el quiosco está sin conexión; esta pantalla es su recibo.</translation>
    </message>
    <message>
        <source>This is not a Redbox membership card.</source>
        <translation type="vanished">Esta no es una tarjeta de socio Redbox.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller.cpp" line="404"/>
        <source>This card cannot be used here: use a Redbox membership card, or a credit or debit card.</source>
        <translation>Esta tarjeta no sirve aquí: use una tarjeta de socio de Redbox o una tarjeta de crédito o débito.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller.cpp" line="405"/>
        <source>This membership card has expired.</source>
        <translation>Esta tarjeta de socio ha caducado.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller.cpp" line="409"/>
        <source>The card could not be read. Please swipe again.</source>
        <translation>No se pudo leer la tarjeta. Pásela de nuevo.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller.cpp" line="415"/>
        <source>This card is not a Redbox membership card we know.</source>
        <translation>Esta tarjeta no es una tarjeta de socio Redbox que conozcamos.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller.cpp" line="419"/>
        <source>While the kiosk is offline you can rent up to %1 discs.</source>
        <translation>Mientras el quiosco está sin conexión puede alquilar hasta %1 discos.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller.cpp" line="420"/>
        <source>You have reached the number of discs your plan allows.</source>
        <translation>Ha alcanzado el número de discos que permite su plan.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller.cpp" line="421"/>
        <source>That disc is not available.</source>
        <translation>Ese disco no está disponible.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller.cpp" line="422"/>
        <source>This disc is not one of ours.</source>
        <translation>Este disco no es nuestro.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller.cpp" line="423"/>
        <source>This disc is already in a kiosk.</source>
        <translation>Este disco ya está en un quiosco.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller.cpp" line="424"/>
        <source>That could not be read. Please try again.</source>
        <translation>No se pudo leer. Inténtelo de nuevo.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller.cpp" line="427"/>
        <source>Discs are sold online only, and the kiosk cannot reach the network right now.</source>
        <translation>Los discos solo se venden en línea, y el quiosco no puede conectarse a la red ahora.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller.cpp" line="428"/>
        <source>The kiosk cannot reach the network right now.</source>
        <translation>El quiosco no puede conectar con la red ahora.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller.cpp" line="429"/>
        <source>The kiosk could not confirm this with the network.</source>
        <translation>El quiosco no pudo confirmarlo con la red.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller.cpp" line="430"/>
        <source>The promo code could not be used.</source>
        <translation>No se ha podido usar el código promocional.</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/kioskcontroller.cpp" line="434"/>
        <source>Something went wrong: %1</source>
        <translation>Algo salió mal: %1</translation>
    </message>
</context>
<context>
    <name>redbox::MaintenanceController</name>
    <message>
        <location filename="../../kiosk/maintenance/maintenancecontroller.cpp" line="159"/>
        <source>That disc&apos;s barcode could not be read; it was given back.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>redbox::TechDesk</name>
    <message>
        <location filename="../../kiosk/maintenance/techdesk.cpp" line="112"/>
        <source>Sign in first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techdesk.cpp" line="122"/>
        <source>Wait for the current action to finish.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>redbox::TechHardware</name>
    <message>
        <location filename="../../kiosk/maintenance/techhardware.cpp" line="15"/>
        <source>Self-test passed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhardware.cpp" line="15"/>
        <source>Self-test FAILED: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhardware.cpp" line="25"/>
        <source>The jam could not be cleared: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhardware.cpp" line="29"/>
        <source>Jam cleared: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhardware.cpp" line="33"/>
        <source> Retrying slot %1...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhardware.cpp" line="44"/>
        <source>Take the disc from the door (slot %1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhardware.cpp" line="55"/>
        <source>Slot %1 did not dispense: %2. Open Hardware and clear the jam; the unload is retried.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhardware.cpp" line="90"/>
        <source>Self-test running: the picker visits every slot...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhardware.cpp" line="99"/>
        <source>Clearing the picker...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhardware.cpp" line="108"/>
        <source>Swipe any card through the reader.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhardware.cpp" line="116"/>
        <source>Insert a disc into the return slot; it is read and given back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhardware.cpp" line="124"/>
        <source>Card reader OK: %1 card ending %2, expires %3/%4.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhardware.cpp" line="125"/>
        <source>technician</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhardware.cpp" line="125"/>
        <source>member</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhardware.cpp" line="129"/>
        <source>The card reader read a card it does not accept (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhardware.cpp" line="130"/>
        <source>expired</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhardware.cpp" line="131"/>
        <source>bad check digit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhardware.cpp" line="132"/>
        <source>not a Redbox card</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhardware.cpp" line="133"/>
        <source>unreadable track</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhardware.cpp" line="144"/>
        <source>Barcode reader OK: read %1 (title %2, copy %3).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhardware.cpp" line="145"/>
        <source>The barcode reader read &quot;%1&quot;, which is not a valid disc barcode.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhardware.cpp" line="154"/>
        <source>The barcode reader could not read the disc&apos;s label.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>redbox::TechHealth</name>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="15"/>
        <source>%1 s ago</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="17"/>
        <source>%1 min ago</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="18"/>
        <source>%1 h ago</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="24"/>
        <source>%1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="26"/>
        <source>%1 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="27"/>
        <source>%1 h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="43"/>
        <source>Red box server %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="43"/>
        <source>Not reachable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="45"/>
        <source>Red box primary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="45"/>
        <source>Reachable, primary, answers in %1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="48"/>
        <source>Reachable, standby</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="54"/>
        <source>Streaming, synchronous; replay lag %1 ms (%2 bytes)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="55"/>
        <source>Replication %1 (%2): rentals may wait</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="57"/>
        <source>Not replicating: the primary has no standby attached</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="59"/>
        <source>Red box standby</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="63"/>
        <source>Red box</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="63"/>
        <source>The primary did not answer the technician&apos;s health check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="86"/>
        <source>the red box cannot reach it since %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="87"/>
        <source>the red box&apos;s link is up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="91"/>
        <source>No primary reachable from this kiosk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="92"/>
        <source>Reachable; primary %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="96"/>
        <source>not reachable: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="104"/>
        <source>Forwarding</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="106"/>
        <source>Nothing waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="107"/>
        <source>%1 hop(s) waiting, oldest %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="116"/>
        <source>Parked hops</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="117"/>
        <source>None</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="118"/>
        <source>%1 parked with errors: use Repair &gt; Retry parked hops</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="125"/>
        <source>Cache</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="130"/>
        <source>Never synced</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="130"/>
        <source>Last synced %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="132"/>
        <source>Kiosk outbox</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="135"/>
        <source>Empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="136"/>
        <source>%1 action(s) waiting for the red box, oldest %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="140"/>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="147"/>
        <source>Kiosk clock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="140"/>
        <source>Not compared with the red box&apos;s yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="143"/>
        <source>Within 2 s of the red box&apos;s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="145"/>
        <source>%1 ahead of the red box&apos;s; the kiosk keeps the red box&apos;s time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="146"/>
        <source>%1 behind the red box&apos;s; the kiosk keeps the red box&apos;s time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="150"/>
        <source>Kiosk storage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="152"/>
        <source>Kiosk version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="152"/>
        <source>Refused by the red box: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="214"/>
        <source>Coast server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techhealth.cpp" line="215"/>
        <source>HQ</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>redbox::TechRepair</name>
    <message>
        <location filename="../../kiosk/maintenance/techrepair.cpp" line="22"/>
        <source>The cache is rebuilt: %1 rows fetched.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techrepair.cpp" line="37"/>
        <source>Rebuilding the cache from the red box...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techrepair.cpp" line="68"/>
        <source>Switching the red box over to its standby...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techrepair.cpp" line="75"/>
        <source>Bringing the old primary back...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techrepair.cpp" line="82"/>
        <source>Writing the diagnostics bundle...</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>redbox::TechSession</name>
    <message>
        <location filename="../../kiosk/maintenance/techsession.cpp" line="55"/>
        <source>Maintenance sign-in is locked after %1 failed attempts, until %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techsession.cpp" line="60"/>
        <source>Swipe your technician card.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techsession.cpp" line="72"/>
        <source>Maintenance sign-in is locked until %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techsession.cpp" line="77"/>
        <source>This is not a technician card.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techsession.cpp" line="77"/>
        <source>The card could not be read. Swipe it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techsession.cpp" line="155"/>
        <source>This card may not open maintenance mode.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techsession.cpp" line="82"/>
        <source>Enter your PIN.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techsession.cpp" line="96"/>
        <source>Too many failed attempts: maintenance sign-in is locked until %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techsession.cpp" line="101"/>
        <source>%1 %2 attempt(s) left.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techsession.cpp" line="128"/>
        <source>A technician PIN has 4 to 8 digits.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techsession.cpp" line="132"/>
        <source>Checking your PIN...</source>
        <translation>Comprobando su PIN...</translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techsession.cpp" line="145"/>
        <source>Wrong PIN.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techsession.cpp" line="147"/>
        <source>This card is locked after too many wrong PINs, until %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techsession.cpp" line="150"/>
        <source>The network cannot check this card now and this kiosk has not seen it signed in before.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techsession.cpp" line="181"/>
        <source> Offline: checked by this kiosk; changes at the red box need a new sign-in once it answers.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techsession.cpp" line="183"/>
        <source> Checked by the coast: changes at the red box need a new sign-in once it answers.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techsession.cpp" line="184"/>
        <source>Signed in as %1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>redbox::TechSlots</name>
    <message>
        <location filename="../../kiosk/maintenance/techslots.cpp" line="120"/>
        <source>Disc %1 loaded into slot %2. Insert the next disc.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techslots.cpp" line="135"/>
        <source>Slot %1 could not take disc %2 (%3); the disc is back in the return slot and was not loaded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techslots.cpp" line="160"/>
        <source>&quot;%1&quot; is not a valid disc barcode (D and 12 digits).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techslots.cpp" line="191"/>
        <source>Insert discs into the return slot one by one; each goes into the first free slot.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techslots.cpp" line="199"/>
        <source>%1 disc(s) loaded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techslots.cpp" line="210"/>
        <source>One disc at a time: take this one back and insert it when the last one is stored.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techslots.cpp" line="217"/>
        <source>&quot;%1&quot; is not a valid disc barcode; the disc was given back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techslots.cpp" line="226"/>
        <location filename="../../kiosk/maintenance/techslots.cpp" line="254"/>
        <source>Disc %1 was not loaded: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techslots.cpp" line="245"/>
        <source>Slot %1 is not a slot number.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techslots.cpp" line="259"/>
        <source>Disc %1 (%2) recorded in slot %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techslots.cpp" line="281"/>
        <source>Disc %1 is rented out: it cannot be unloaded until the customer returns it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techslots.cpp" line="282"/>
        <source>Disc %1 was not unloaded: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techslots.cpp" line="291"/>
        <source>Disc %1 is recorded as unloaded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techslots.cpp" line="294"/>
        <source>Unloading disc %1 from slot %2...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techslots.cpp" line="312"/>
        <source>Disc %1 is rented out: mark it when it comes back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techslots.cpp" line="313"/>
        <source>Disc %1 was not marked: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techslots.cpp" line="317"/>
        <source>Disc %1 is marked damaged: customers can no longer rent it, and it is on the removal list.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techslots.cpp" line="336"/>
        <source>Disc %1 was not cleared: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../kiosk/maintenance/techslots.cpp" line="340"/>
        <source>Disc %1 is checked and good: customers can rent it again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>redbox::TitleDetails</name>
    <message>
        <location filename="../../kiosk/controllers/screenfacts.cpp" line="44"/>
        <source>Blu-ray</source>
        <translation>Blu-ray</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/screenfacts.cpp" line="46"/>
        <source>4K Ultra HD</source>
        <translation>4K Ultra HD</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/screenfacts.cpp" line="48"/>
        <source>Game</source>
        <translation>Videojuego</translation>
    </message>
    <message>
        <location filename="../../kiosk/controllers/screenfacts.cpp" line="49"/>
        <source>DVD</source>
        <translation>DVD</translation>
    </message>
</context>
</TS>
