// Card and barcode readers that type (KeyboardWedge): keys typed at a real
// window become a swipe or a disc on Enter; anything else is passed on, and
// a line that is neither is dropped.
#include "app/keyboardwedge.h"

#include <QGuiApplication>
#include <QSignalSpy>
#include <QTest>
#include <QWindow>

using namespace redbox;

class TestKeyboardWedge : public QObject {
    Q_OBJECT
    QByteArrayList swipes;
    QStringList discs;
    std::unique_ptr<KeyboardWedge> wedge;
    std::unique_ptr<QWindow> window;

    void keys(const QString &text)
    {
        for (const QChar c : text)
            QTest::keyClick(window.get(), c.toLatin1());
    }
    void type(const QString &text)
    {
        keys(text);
        QTest::keyClick(window.get(), Qt::Key_Return);
    }

private slots:
    void init()
    {
        swipes.clear();
        discs.clear();
        wedge = std::make_unique<KeyboardWedge>([this](const QByteArray &t) { swipes << t; }, [this](const QString &b) { discs << b; });
        QGuiApplication::instance()->installEventFilter(wedge.get());
        window = std::make_unique<QWindow>();
        window->resize(200, 200);
        window->show();
        QVERIFY(QTest::qWaitForWindowExposed(window.get()));
    }

    void cleanup()
    {
        window.reset();
        wedge.reset();
    }

    void aTypedTrackIsASwipeAndABarcodeADisc()
    {
        type(QStringLiteral(";7000000000000001=3012?"));
        QCOMPARE(swipes, QByteArrayList{";7000000000000001=3012?"});
        type(QStringLiteral("D000010000001"));
        QCOMPARE(discs, QStringList{QStringLiteral("D000010000001")});
    }

    // A person typed into the search field (no Enter), then swiped, or scanned a disc.
    void aSwipeOrADiscAfterSomethingTypedIsStillRead()
    {
        keys(QStringLiteral("Affair Prejudice"));
        type(QStringLiteral(";7000000000000001=3012?"));
        QCOMPARE(swipes, QByteArrayList{";7000000000000001=3012?"});
        keys(QStringLiteral("Alaska "));
        type(QStringLiteral("D000010000003"));
        QCOMPARE(discs, QStringList{QStringLiteral("D000010000003")});
        type(QStringLiteral("XD000010000004"));   // part of a longer word: not a barcode
        QCOMPARE(discs.size(), 1);
    }

    void otherLinesAreNotReadAndNotKept()
    {
        type(QStringLiteral("hello"));
        type(QStringLiteral(";7000000000000001=3012"));   // no end sentinel
        type(QStringLiteral("D00001000000"));   // 11 digits
        QVERIFY(swipes.isEmpty());
        QVERIFY(discs.isEmpty());
        keys(QStringLiteral("junk"));
        QTest::keyClick(window.get(), Qt::Key_Escape);   // forgets what was typed
        type(QStringLiteral("D000010000002"));
        QCOMPARE(discs, QStringList{QStringLiteral("D000010000002")});
    }
};

QTEST_MAIN(TestKeyboardWedge)
#include "tst_keyboardwedge.moc"
